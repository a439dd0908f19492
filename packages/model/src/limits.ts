import type { EventModel, SessionModel } from './types.js';

/**
 * The bounds of what the server accepts, the same at every door (REST and OTLP), and what the SDK keeps to
 * before it sends, so that one value out of range never costs a batch. Documented in the server README.
 */
export const LIMITS = {
  /** A request body, bytes (OTLP: after gzip inflation). */
  bodyBytes: 16 * 1024 * 1024,
  /** Events in one `create_events`, spans in one OTLP request. */
  eventsPerRequest: 10_000,
  /** Each token count: a whole number from 0 to this. */
  tokens: 1e12,
  /** An event's cost, USD: finite, from 0 to this. */
  cost: 1e9,
  /** Event, agent and trigger ids. */
  idChars: 200,
  /** Model names, error types and codes, agent names, action types, tool names. */
  nameChars: 1000,
  tagsPerSession: 1000,
  tagChars: 1000,
  endStateReasonChars: 100_000,
  videoChars: 10_000,
  /** One event as stored (its JSON), bytes. */
  eventBytes: 1024 * 1024,
  /** A session's host environment (its JSON), bytes. */
  hostEnvBytes: 256 * 1024,
  /** Nesting of objects and arrays in any field (params, returns, prompts, host env...). */
  depth: 64,
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when a JSON text nests objects/arrays deeper than `max` (a linear scan, no parsing). */
export function jsonTooDeep(text: string, max: number = LIMITS.depth): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** True when a value nests objects/arrays deeper than `max` (iterative: no stack to overflow). */
export function valueTooDeep(value: unknown, max: number = LIMITS.depth): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  const seen = new Set<object>();
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d >= max) return true;
    if (seen.has(v)) continue;
    seen.add(v);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}

/** A timestamp as ISO-8601 UTC (`…Z`), or undefined when it is not one. A leap second (`:60`) is the last instant of its minute. */
const CANONICAL_UTC = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

export function normalizeTimestamp(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length > 64) return undefined;
  // What the SDKs send (toISOString) is already the stored form: no parsing on the ingest path.
  if (CANONICAL_UTC.test(v)) return v;
  let ms = Date.parse(v);
  if (Number.isNaN(ms)) {
    const leap = v.replace(/(T\d{2}:\d{2}):60(\.\d+)?/, '$1:59.999');
    if (leap === v) return undefined;
    ms = Date.parse(leap);
    if (Number.isNaN(ms)) return undefined;
  }
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export const isUuidString = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/** What is wrong with a value, for a `{path, message}` answer. */
export interface Violation {
  /** Where, e.g. `events[3].prompt_tokens`. */
  field: string;
  message: string;
  /** 413: the value is too large (a size bound); 400 otherwise. */
  tooLarge?: boolean;
}

const TOKEN_FIELDS = ['prompt_tokens', 'completion_tokens', 'cache_read_tokens', 'cache_creation_tokens', 'reasoning_tokens'] as const;
const NAME_FIELDS = ['model', 'action_type', 'name', 'error_type', 'code', 'provider', 'agent_name'] as const;
const ID_FIELDS = ['id', 'agent_id', 'trigger_event_id'] as const;

/** The first bound an event breaks, if any. `json` is its JSON when the caller has it already. */
export function eventViolation(e: EventModel, at: string, json?: string): Violation | undefined {
  const r = e as unknown as Record<string, unknown>;
  for (const f of ID_FIELDS) {
    const v = r[f];
    if (v !== undefined && v !== null && (typeof v !== 'string' || v.length > LIMITS.idChars)) {
      return { field: `${at}.${f}`, message: `must be a string of at most ${LIMITS.idChars} characters` };
    }
  }
  for (const f of TOKEN_FIELDS) {
    const v = r[f];
    if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= LIMITS.tokens)) {
      return { field: `${at}.${f}`, message: `must be a whole number from 0 to ${LIMITS.tokens}, got ${String(v).slice(0, 40)}` };
    }
  }
  if (r.cost !== undefined && r.cost !== null && !(typeof r.cost === 'number' && Number.isFinite(r.cost) && r.cost >= 0 && r.cost <= LIMITS.cost)) {
    return { field: `${at}.cost`, message: `must be a finite number from 0 to ${LIMITS.cost} (USD), got ${String(r.cost).slice(0, 40)}` };
  }
  for (const f of NAME_FIELDS) {
    const v = r[f];
    if (typeof v === 'string' && v.length > LIMITS.nameChars) return { field: `${at}.${f}`, message: `is longer than ${LIMITS.nameChars} characters` };
  }
  // With its JSON at hand, a scan of the text; otherwise a walk of the value (which JSON.stringify could not survive).
  if (json !== undefined ? jsonTooDeep(json) : valueTooDeep(e)) return { field: at, message: `nests objects or arrays deeper than ${LIMITS.depth} levels` };
  // A string's bytes are at most 3 per UTF-16 unit: only a long one needs counting.
  const text = json ?? JSON.stringify(e);
  const size = text.length * 3 <= LIMITS.eventBytes ? text.length : Buffer.byteLength(text);
  if (size > LIMITS.eventBytes) return { field: at, message: `is ${size} bytes as JSON, more than the ${LIMITS.eventBytes} an event may hold`, tooLarge: true };
  return undefined;
}

/** The first bound a session breaks, if any. */
export function sessionViolation(s: SessionModel, at: string): Violation | undefined {
  const tags = s.tags ?? [];
  if (!Array.isArray(tags)) return { field: `${at}.tags`, message: 'must be an array of strings' };
  if (tags.length > LIMITS.tagsPerSession) return { field: `${at}.tags`, message: `has ${tags.length} tags, more than ${LIMITS.tagsPerSession}`, tooLarge: true };
  for (let i = 0; i < tags.length; i++) {
    if (typeof tags[i] !== 'string' || tags[i].length > LIMITS.tagChars) return { field: `${at}.tags[${i}]`, message: `must be a string of at most ${LIMITS.tagChars} characters` };
  }
  if (typeof s.end_state_reason === 'string' && s.end_state_reason.length > LIMITS.endStateReasonChars) {
    return { field: `${at}.end_state_reason`, message: `is longer than ${LIMITS.endStateReasonChars} characters`, tooLarge: true };
  }
  if (typeof s.video === 'string' && s.video.length > LIMITS.videoChars) return { field: `${at}.video`, message: `is longer than ${LIMITS.videoChars} characters` };
  if (s.host_env) {
    if (valueTooDeep(s.host_env)) return { field: `${at}.host_env`, message: `nests objects or arrays deeper than ${LIMITS.depth} levels` };
    const size = Buffer.byteLength(JSON.stringify(s.host_env));
    if (size > LIMITS.hostEnvBytes) return { field: `${at}.host_env`, message: `is ${size} bytes as JSON, more than ${LIMITS.hostEnvBytes}`, tooLarge: true };
  }
  return undefined;
}
