import {
  eventViolation,
  isUuidString,
  LIMITS,
  normalizeTimestamp,
  priced,
  sessionViolation,
  type AgentModel,
  type EventModel,
  type SessionModel,
  type Violation,
} from '@agentops/model';
import { HttpError } from './errors.js';

/** The JSON of each checked event, so the store does not serialise it a second time. */
export const eventJson = new WeakMap<EventModel, string>();

/** A batch for the store, as every door (REST, OTLP) hands it over. */
export interface Batch {
  sessions?: SessionModel[];
  events?: EventModel[];
  agents?: AgentModel[];
}

/**
 * U+0000 in a value stored as a column of its own (ids, names, tags, reasons): PostgreSQL text cannot hold it,
 * so every store refuses it alike. Inside event data it is kept (escaped in the event's JSON).
 */
function noNul(values: Record<string, unknown>, at: string): void {
  for (const [field, v] of Object.entries(values)) {
    const bad = typeof v === 'string' ? v.includes('\u0000') : Array.isArray(v) && v.some((t) => typeof t === 'string' && t.includes('\u0000'));
    if (bad) throw new HttpError(400, `${at}.${field} must not contain the character U+0000`);
  }
}

const fail = (v: Violation) => new HttpError(v.tooLarge ? 413 : 400, `${v.field} ${v.message}`);

function timestamp(v: unknown, field: string, required: boolean): string | null {
  if (v === undefined || v === null) {
    if (required) throw new HttpError(400, `${field} is required (an ISO-8601 timestamp)`);
    return null;
  }
  const t = normalizeTimestamp(v);
  if (!t) throw new HttpError(400, `${field} must be an ISO-8601 timestamp, got ${JSON.stringify(String(v).slice(0, 64))}`);
  return t;
}

function sessionId(v: unknown, field: string): string {
  if (!isUuidString(v)) throw new HttpError(400, `${field} must be a UUID, got ${JSON.stringify(String(v).slice(0, 64))}`);
  return v.toLowerCase();
}

/**
 * The one validation every door applies before anything is written (SPEC §5, {@link LIMITS}): ids are UUIDs
 * (lower-cased), timestamps are normalised to UTC, an end never lies before its start, and every size, count,
 * token, cost and depth bound holds; LLM events that came without a cost are priced. The first violation answers 400 (413 for a size) naming the field; nothing
 * of the batch is written then. Returns the batch normalised (new objects where something changed).
 */
export function checkBatch(batch: Batch, what: { sessions?: string; events?: string } = {}): Required<Batch> {
  const events = batch.events ?? [];
  if (events.length > LIMITS.eventsPerRequest) {
    throw new HttpError(413, `${what.events ?? 'events'} holds ${events.length} events, more than the ${LIMITS.eventsPerRequest} a request may carry`);
  }
  const sessions = (batch.sessions ?? []).map((s, i) => {
    const at = `${what.sessions ?? 'sessions'}[${i}]`;
    const init = timestamp(s.init_timestamp, `${at}.init_timestamp`, false);
    let end = timestamp(s.end_timestamp, `${at}.end_timestamp`, false);
    if (init && end && end < init) end = init;
    const out = { ...s, session_id: sessionId(s.session_id, `${at}.session_id`), init_timestamp: init as string, end_timestamp: end };
    const v = sessionViolation(out, at);
    if (v) throw fail(v);
    noNul({ end_state_reason: out.end_state_reason, video: out.video, tags: out.tags }, at);
    return out;
  });
  const normalized = events.map((e, i) => {
    const at = `${what.events ?? 'events'}[${i}]`;
    const init = timestamp(e.init_timestamp, `${at}.init_timestamp`, true)!;
    let end = timestamp(e.end_timestamp, `${at}.end_timestamp`, false) ?? init;
    if (end < init) end = init;
    const out = { ...e, session_id: sessionId(e.session_id, `${at}.session_id`), init_timestamp: init, end_timestamp: end } as EventModel;
    if ('timestamp' in out && (out as { timestamp?: unknown }).timestamp != null) {
      (out as { timestamp?: unknown }).timestamp = timestamp((out as { timestamp?: unknown }).timestamp, `${at}.timestamp`, false);
    }
    // An LLM event without a cost (the AgentOps Python SDK sends none) is priced as the SDK prices its own.
    const event = priced(out);
    let json: string;
    try {
      json = JSON.stringify(event);
    } catch {
      throw new HttpError(400, `${at} nests objects or arrays deeper than ${LIMITS.depth} levels`);
    }
    const v = eventViolation(event, at, json);
    if (v) throw fail(v);
    noNul({ id: event.id, agent_id: event.agent_id, model: event.event_type === 'llms' ? event.model : undefined }, at);
    // Serialised once: the store writes this text.
    eventJson.set(event, json);
    return event;
  });
  const agents = (batch.agents ?? []).map((a, i) => {
    const at = `agents[${i}]`;
    if (typeof a.id !== 'string' || a.id.length === 0 || a.id.length > LIMITS.idChars) throw new HttpError(400, `${at}.id must be 1 to ${LIMITS.idChars} characters`);
    if (typeof a.name !== 'string' || a.name.length > LIMITS.nameChars) throw new HttpError(400, `${at}.name must be at most ${LIMITS.nameChars} characters`);
    noNul({ id: a.id, name: a.name }, at);
    return { ...a, session_id: sessionId(a.session_id, `${at}.session_id`) };
  });
  return { sessions, events: normalized, agents };
}
