import { eventViolation, LIMITS, sessionViolation, valueTooDeep } from './limits.js';
import type { EventModel, SessionModel } from './types.js';

/**
 * Where the SDK says what it changed to keep an event or session within {@link LIMITS}: a list of notes on the
 * event itself, so a clamped or cut value is visible, never silent.
 */
export const ADJUSTED_FIELD = 'agentops_adjusted';

const TOKEN_FIELDS = ['prompt_tokens', 'completion_tokens', 'cache_read_tokens', 'cache_creation_tokens', 'reasoning_tokens'] as const;
const NAME_FIELDS = ['model', 'action_type', 'name', 'error_type', 'code', 'provider', 'agent_name'] as const;
const ID_FIELDS = ['agent_id', 'trigger_event_id'] as const;

const cutString = (s: string, max: number) => `${s.slice(0, Math.max(0, max - 40))}…[cut by AgentOps at ${max} characters]`;

/** The value with every object/array below `max` levels replaced by a note (iterative copy). */
function cutDepth(value: unknown, max: number): unknown {
  const note = `[cut by AgentOps: nested deeper than ${max} levels]`;
  const copy = (v: unknown, d: number): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (d >= max) return note;
    if (Array.isArray(v)) return v.map((x) => copy(x, d + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = copy(x, d + 1);
    return out;
  };
  // Recursion is bounded by `max` (64) levels: the copy stops there.
  return copy(value, 0);
}

/**
 * An event within {@link LIMITS}: out-of-range tokens and costs are clamped or dropped to unknown, long names
 * cut, too-deep values cut at the depth bound, an oversized event's largest fields cut — each change noted in
 * {@link ADJUSTED_FIELD}. An event already within bounds is returned as it is.
 */
export function fitEvent(event: EventModel): EventModel {
  let json: string | undefined;
  try {
    json = JSON.stringify(event);
  } catch {
    json = undefined; // too deep (or a cycle) to serialise: fitted below
  }
  if (json !== undefined && !eventViolation(event, 'event', json)) return event;
  const notes: string[] = [];
  const e = { ...(cutDepth(event, LIMITS.depth) as Record<string, unknown>) };
  if (valueTooDeep(event)) notes.push(`values nested deeper than ${LIMITS.depth} levels were cut`);
  for (const f of TOKEN_FIELDS) {
    const v = e[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      e[f] = null;
      notes.push(`${f}: ${String(v).slice(0, 40)} is not a number; unknown`);
    } else if (v < 0 || v > LIMITS.tokens || !Number.isInteger(v)) {
      const fitted = Math.min(LIMITS.tokens, Math.max(0, Math.round(v)));
      e[f] = fitted;
      if (fitted !== v) notes.push(`${f}: ${v} was clamped to ${fitted}`);
    }
  }
  const cost = e.cost;
  if (cost !== undefined && cost !== null && !(typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 && cost <= LIMITS.cost)) {
    e.cost = null;
    notes.push(`cost: ${String(cost).slice(0, 40)} is out of range; unknown`);
  }
  for (const f of NAME_FIELDS) {
    const v = e[f];
    if (typeof v === 'string' && v.length > LIMITS.nameChars) {
      e[f] = cutString(v, LIMITS.nameChars);
      notes.push(`${f} was cut at ${LIMITS.nameChars} characters`);
    }
  }
  for (const f of ID_FIELDS) {
    const v = e[f];
    if (typeof v === 'string' && v.length > LIMITS.idChars) {
      e[f] = v.slice(0, LIMITS.idChars);
      notes.push(`${f} was cut at ${LIMITS.idChars} characters`);
    }
  }
  // Too large as a whole: cut the largest fields, biggest first, until it fits.
  for (let guard = 0; guard < 32; guard++) {
    const size = Buffer.byteLength(JSON.stringify({ ...e, [ADJUSTED_FIELD]: notes }));
    if (size <= LIMITS.eventBytes) break;
    let largest: string | undefined;
    let largestLen = 0;
    for (const [k, v] of Object.entries(e)) {
      if (v === null || v === undefined || k === 'id' || k === 'event_type' || k === 'session_id') continue;
      const len = typeof v === 'string' ? v.length : JSON.stringify(v).length;
      if (len > largestLen) [largest, largestLen] = [k, len];
    }
    if (!largest) break;
    const text = typeof e[largest] === 'string' ? (e[largest] as string) : JSON.stringify(e[largest]);
    const keep = Math.max(1024, largestLen - (size - LIMITS.eventBytes) - 1024);
    e[largest] = cutString(text, keep);
    notes.push(`${largest} was cut: the event was over ${LIMITS.eventBytes} bytes`);
  }
  e[ADJUSTED_FIELD] = notes;
  return e as unknown as EventModel;
}

/** A session within {@link LIMITS} (tags, reason, video, host environment), with what changed noted. */
export function fitSession(session: SessionModel): SessionModel {
  if (!sessionViolation(session, 'session')) return session;
  const s: SessionModel & Record<string, unknown> = { ...session };
  const notes: string[] = [];
  const tags = (Array.isArray(s.tags) ? s.tags : []).filter((t): t is string => typeof t === 'string');
  s.tags = tags.slice(0, LIMITS.tagsPerSession).map((t) => (t.length > LIMITS.tagChars ? t.slice(0, LIMITS.tagChars) : t));
  if (tags.length > LIMITS.tagsPerSession) notes.push(`${tags.length - LIMITS.tagsPerSession} tags over ${LIMITS.tagsPerSession} were left out`);
  if (typeof s.end_state_reason === 'string' && s.end_state_reason.length > LIMITS.endStateReasonChars) {
    s.end_state_reason = cutString(s.end_state_reason, LIMITS.endStateReasonChars);
    notes.push('end_state_reason was cut');
  }
  if (typeof s.video === 'string' && s.video.length > LIMITS.videoChars) {
    s.video = null;
    notes.push('video was too long and left out');
  }
  if (s.host_env && sessionViolation({ ...s, host_env: s.host_env }, 'session')?.field.endsWith('host_env')) {
    s.host_env = { note: `host environment left out: over ${LIMITS.hostEnvBytes} bytes or ${LIMITS.depth} levels deep` };
    notes.push('host_env was left out');
  }
  s[ADJUSTED_FIELD] = notes;
  return s;
}
