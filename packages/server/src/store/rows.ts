import { createHash } from 'node:crypto';
import { EVENT_TYPES, formatCost, type EndState, type EventModel, type EventType, type SessionModel, type SessionStats } from '@agentops/model';
import { eventJson } from '../bounds.js';
import type { Overview, SessionListItem, StoredSession } from './store.js';

/** The hash an API key is stored and looked up by (keys are case-insensitive UUIDs). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key.toLowerCase()).digest('hex');
}

const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : null);
const real = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The values of a session upsert, the same for every store (the merge rule itself is each store's SQL). */
export function sessionParams(projectId: string, s: SessionModel, mergeTags: boolean) {
  const ended = s.end_timestamp != null;
  return {
    project_id: projectId,
    session_id: s.session_id,
    init_timestamp: s.init_timestamp ?? null,
    now: new Date().toISOString(),
    end_timestamp: s.end_timestamp ?? null,
    // A session without an end is running, whatever end state a client sent with it.
    end_state: ended ? (s.end_state ?? 'Indeterminate') : null,
    end_state_reason: ended ? (s.end_state_reason ?? null) : null,
    tags: s.tags ?? [],
    host_env: s.host_env ? JSON.stringify(s.host_env) : null,
    video: s.video ?? null,
    is_inherited: s.inherited === true,
    has_tags: Array.isArray(s.tags),
    merge_tags: mergeTags || s.inherited === true,
  };
}

/** An event's stored columns (after the project): id, session, type, times, agent, model, cost, tokens, JSON. */
export function eventColumns(e: EventModel) {
  const llm = e.event_type === 'llms' ? e : undefined;
  return [
    e.id,
    e.session_id,
    e.event_type,
    e.init_timestamp,
    e.end_timestamp,
    e.agent_id ?? null,
    llm?.model ?? null,
    real(llm?.cost),
    int(llm?.prompt_tokens),
    int(llm?.completion_tokens),
    int(llm?.cache_read_tokens),
    int(llm?.reasoning_tokens),
    eventJson.get(e) ?? JSON.stringify(e),
  ] as const;
}
export type EventColumns = ReturnType<typeof eventColumns>;

/** The event each column tuple was made from (for what is derived from inserted events only: the search index). */
export const eventOfColumns = new WeakMap<EventColumns, EventModel>();

/** Per-session totals kept on the session row, so stats and lists never scan a session's events. */
export interface SessionTotals {
  /** The models of the LLM calls inserted (not a sum: merged into the session's list). */
  models: Set<string>;
  events: number;
  llms: number;
  unpriced: number;
  actions: number;
  tools: number;
  errors: number;
  cost: number;
  prompt_tokens: number;
  completion_tokens: number;
  cache_read_tokens: number;
  reasoning_tokens: number;
}
export const TOTAL_COLUMNS = ['events', 'llms', 'unpriced', 'actions', 'tools', 'errors', 'cost', 'prompt_tokens', 'completion_tokens', 'cache_read_tokens', 'reasoning_tokens'] as const;

/** LLM usage per project, UTC day and model, so the overview reads days × models rows, not events. */
export interface DayUsage {
  day: string;
  /** '' for an LLM event without a model (a key column cannot be null). */
  model: string;
  /** Calls per latency bucket (see {@link latencyBucket}). */
  latency: number[];
  calls: number;
  unpriced: number;
  cost: number;
  prompt_tokens: number;
  completion_tokens: number;
}

const zeroTotals = (): SessionTotals => ({ models: new Set(), events: 0, llms: 0, unpriced: 0, actions: 0, tools: 0, errors: 0, cost: 0, prompt_tokens: 0, completion_tokens: 0, cache_read_tokens: 0, reasoning_tokens: 0 });

/**
 * What the events a write inserted add to the totals: per session (sorted by id) and per day and model
 * (sorted), so that every transaction takes its row locks in one order and concurrent writers never deadlock.
 */
export function usageOf(inserted: Iterable<EventColumns>): { sessions: Array<[string, SessionTotals]>; days: DayUsage[] } {
  const sessions = new Map<string, SessionTotals>();
  const days = new Map<string, DayUsage>();
  for (const [, sessionId, type, init, end, , model, cost, prompt, completion, cacheRead, reasoning] of inserted) {
    let t = sessions.get(sessionId);
    if (!t) sessions.set(sessionId, (t = zeroTotals()));
    t.events++;
    if (type === 'llms') t.llms++;
    else if (type === 'actions') t.actions++;
    else if (type === 'tools') t.tools++;
    else if (type === 'errors') t.errors++;
    if (type !== 'llms') continue;
    if (model !== null) t.models.add(model);
    if (cost === null) t.unpriced++;
    t.cost += cost ?? 0;
    t.prompt_tokens += prompt ?? 0;
    t.completion_tokens += completion ?? 0;
    t.cache_read_tokens += cacheRead ?? 0;
    t.reasoning_tokens += reasoning ?? 0;
    const day = init.slice(0, 10);
    const key = `${day}\u0000${model ?? ''}`;
    let d = days.get(key);
    if (!d) days.set(key, (d = { day, model: model ?? '', latency: new Array<number>(LATENCY_BUCKETS).fill(0), calls: 0, unpriced: 0, cost: 0, prompt_tokens: 0, completion_tokens: 0 }));
    d.calls++;
    d.latency[latencyBucket(Date.parse(end) - Date.parse(init))]++;
    if (cost === null) d.unpriced++;
    d.cost += cost ?? 0;
    d.prompt_tokens += prompt ?? 0;
    d.completion_tokens += completion ?? 0;
  }
  const byKey = <T>(a: [string, T], b: [string, T]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return { sessions: [...sessions].sort(byKey), days: [...days].sort(byKey).map(([, d]) => d) };
}

/** Latency buckets per day and model: 0 is under 1 ms, bucket i ≥ 1 is [2^((i-1)/2), 2^(i/2)) ms, the last is open. */
export const LATENCY_BUCKETS = 42;

export function latencyBucket(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(LATENCY_BUCKETS - 1, Math.floor(2 * Math.log2(ms)) + 1);
}

/** The latency at quantile `q` of a histogram: the geometric middle of its bucket; null when empty. */
export function latencyQuantile(hist: readonly number[], q: number): number | null {
  const total = hist.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i];
    if (seen >= q * total) return i === 0 ? 0.5 : Math.round(2 ** ((i - 0.5) / 2) * 10) / 10;
  }
  return null;
}

/** What a write adds per day: sessions started (moved), events and error events (by the event's day). Sorted. */
export function activityOf(starts: Iterable<{ before: string | undefined; after: string }>, inserted: Iterable<EventColumns>) {
  const days = new Map<string, { day: string; sessions: number; events: number; errors: number }>();
  const at = (day: string) => {
    let d = days.get(day);
    if (!d) days.set(day, (d = { day, sessions: 0, events: 0, errors: 0 }));
    return d;
  };
  for (const { day, n } of sessionDayDeltas(starts)) at(day).sessions += n;
  for (const [, , type, init] of inserted) {
    const d = at(init.slice(0, 10));
    d.events++;
    if (type === 'errors') d.errors++;
  }
  return [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}

/**
 * How a write moved sessions between days (a new session adds one to its start's day; an earlier start moves it):
 * `starts` holds each touched session's start before and after the write. Sorted by day (the lock order).
 */
export function sessionDayDeltas(starts: Iterable<{ before: string | undefined; after: string }>): Array<{ day: string; n: number }> {
  const delta = new Map<string, number>();
  for (const { before, after } of starts) {
    const from = before?.slice(0, 10);
    const to = after.slice(0, 10);
    if (from === to) continue;
    if (from !== undefined) delta.set(from, (delta.get(from) ?? 0) - 1);
    delta.set(to, (delta.get(to) ?? 0) + 1);
  }
  return [...delta]
    .filter(([, n]) => n !== 0)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([day, n]) => ({ day, n }));
}

/** Events sorted by (session, id), the first of each key kept: the insert order that avoids deadlocks. */
export function sortedEventColumns(events: readonly EventModel[]): EventColumns[] {
  const seen = new Map<string, EventColumns>();
  for (const e of events) {
    const key = `${e.session_id}\u0000${e.id}`;
    if (!seen.has(key)) {
      const cols = eventColumns(e);
      eventOfColumns.set(cols, e);
      seen.set(key, cols);
    }
  }
  return [...seen].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, c]) => c);
}

/** The session ids a batch touches, sorted (the lock order), with each one's earliest event start. */
export function touchedSessions(sessions: readonly SessionModel[], events: readonly EventModel[]): Array<{ id: string; firstEvent?: string }> {
  const first = new Map<string, string | undefined>();
  for (const s of sessions) if (!first.has(s.session_id)) first.set(s.session_id, undefined);
  for (const e of events) {
    const t = first.get(e.session_id);
    if (t === undefined || e.init_timestamp < t) first.set(e.session_id, e.init_timestamp);
  }
  return [...first].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([id, firstEvent]) => ({ id, firstEvent }));
}

/** A stored session row (either store) as the API shows it. */
export function rowToSession(row: Record<string, unknown>): StoredSession {
  const tags = row.tags;
  return {
    project_id: String(row.project_id),
    session_id: String(row.session_id),
    init_timestamp: String(row.init_timestamp),
    end_timestamp: (row.end_timestamp as string | null) ?? null,
    // Without an end it is running, whatever end state was stored with it.
    end_state: row.end_timestamp ? ((row.end_state as EndState | null) ?? null) : null,
    end_state_reason: row.end_timestamp ? ((row.end_state_reason as string | null) ?? null) : null,
    tags: Array.isArray(tags) ? (tags as string[]) : (JSON.parse(String(tags ?? '[]')) as string[]),
    host_env: row.host_env ? (JSON.parse(String(row.host_env)) as Record<string, unknown>) : null,
    video: (row.video as string | null) ?? null,
  };
}

const num = (row: Record<string, unknown>, k: string) => Number(row[k] ?? 0);

/** A session's stats from its row's totals. */
export function statsFromRow(row: Record<string, unknown>): SessionStats {
  const session = rowToSession(row);
  const duration =
    session.end_timestamp && session.init_timestamp ? Math.max(0, Date.parse(session.end_timestamp) - Date.parse(session.init_timestamp)) : null;
  return {
    session_id: session.session_id,
    cost: formatCost(num(row, 'cost')),
    events: num(row, 'events'),
    prompt_tokens: num(row, 'prompt_tokens'),
    completion_tokens: num(row, 'completion_tokens'),
    cache_read_tokens: num(row, 'cache_read_tokens'),
    reasoning_tokens: num(row, 'reasoning_tokens'),
    total_tokens: num(row, 'prompt_tokens') + num(row, 'completion_tokens'),
    errors: num(row, 'errors'),
    event_counts: { llms: num(row, 'llms'), actions: num(row, 'actions'), tools: num(row, 'tools'), errors: num(row, 'errors') },
    duration_ms: duration,
    end_state: session.end_state ?? null,
    unpriced_llm_calls: num(row, 'unpriced'),
  };
}

/** The app of a session: its host environment's project name (the SDK reports it), else an OTel service name. */
function appOf(hostEnv: Record<string, unknown> | null | undefined): string | null {
  const h = (hostEnv ?? {}) as Record<string, Record<string, unknown> | undefined> & Record<string, unknown>;
  const v = h.Project?.Name ?? h['service.name'] ?? h.Service?.Name;
  return typeof v === 'string' ? v.slice(0, 200) : null;
}

export function listItemFromRow(row: Record<string, unknown>): SessionListItem {
  const s = rowToSession(row);
  const models = row.models;
  return {
    session_id: s.session_id,
    init_timestamp: s.init_timestamp,
    end_timestamp: s.end_timestamp ?? null,
    end_state: s.end_state ?? null,
    end_state_reason: s.end_state_reason ?? null,
    tags: s.tags,
    cost: formatCost(num(row, 'cost')),
    events: num(row, 'events'),
    llm_calls: num(row, 'llms'),
    unpriced_llm_calls: num(row, 'unpriced'),
    errors: num(row, 'errors'),
    total_tokens: num(row, 'prompt_tokens') + num(row, 'completion_tokens'),
    models: Array.isArray(models) ? (models as string[]) : (JSON.parse(String(models ?? '[]')) as string[]),
    app: appOf(s.host_env),
    ...(typeof row.match_event_id === 'string' ? { match_event_id: row.match_event_id } : {}),
  };
}

/** The first day (UTC midnight) of an overview that starts at `since`. */
export const overviewFrom = (since: Date) => since.toISOString().slice(0, 10);

/**
 * The overview from the range's `daily_usage` rows (day × model, with latency histograms) and `daily_activity`
 * rows: every day of the range is listed.
 */
export function overviewOf(from: string, usageRows: Array<Record<string, unknown>>, activityRows: Array<Record<string, unknown>>): Overview {
  const hist = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : (JSON.parse(String(v ?? '[]')) as number[]));
  const byDay = new Map<string, { cost: number; prompt_tokens: number; completion_tokens: number; calls: number; unpriced: number }>();
  const byModel = new Map<string, { calls: number; unpriced: number; cost: number; prompt_tokens: number; completion_tokens: number; latency: number[] }>();
  const modelDays: Overview['model_days'] = [];
  for (const r of usageRows) {
    const day = String(r.day);
    const model = String(r.model ?? '');
    const d = byDay.get(day) ?? { cost: 0, prompt_tokens: 0, completion_tokens: 0, calls: 0, unpriced: 0 };
    const m = byModel.get(model) ?? { calls: 0, unpriced: 0, cost: 0, prompt_tokens: 0, completion_tokens: 0, latency: new Array<number>(LATENCY_BUCKETS).fill(0) };
    for (const t of [d, m]) {
      t.cost += num(r, 'cost');
      t.prompt_tokens += num(r, 'prompt_tokens');
      t.completion_tokens += num(r, 'completion_tokens');
      t.calls += num(r, 'calls');
      t.unpriced += num(r, 'unpriced');
    }
    hist(r.latency).forEach((n, i) => (m.latency[i] += n));
    byDay.set(day, d);
    byModel.set(model, m);
    modelDays.push({ day, model: model || null, cost: num(r, 'cost'), tokens: num(r, 'prompt_tokens') + num(r, 'completion_tokens'), calls: num(r, 'calls') });
  }
  const activity = new Map(activityRows.map((r) => [String(r.day), r]));
  const days: Overview['days'] = [];
  for (let t = Date.parse(from); t <= Date.now(); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    const u = byDay.get(day);
    const a = activity.get(day) ?? {};
    const events = num(a, 'events');
    days.push({
      day,
      cost: u?.cost ?? 0,
      prompt_tokens: u?.prompt_tokens ?? 0,
      completion_tokens: u?.completion_tokens ?? 0,
      llm_calls: u?.calls ?? 0,
      unpriced_llm_calls: u?.unpriced ?? 0,
      sessions: num(a, 'sessions'),
      events,
      errors: num(a, 'errors'),
      error_rate: events ? num(a, 'errors') / events : null,
    });
  }
  const models = [...byModel]
    .sort((x, y) => y[1].cost - x[1].cost || y[1].calls - x[1].calls)
    .slice(0, 50)
    .map(([model, m]) => ({
      model: model || null,
      calls: m.calls,
      unpriced_llm_calls: m.unpriced,
      cost: m.cost,
      prompt_tokens: m.prompt_tokens,
      completion_tokens: m.completion_tokens,
      p50_ms: latencyQuantile(m.latency, 0.5),
      p95_ms: latencyQuantile(m.latency, 0.95),
    }));
  modelDays.sort((x, y) => (x.day < y.day ? -1 : x.day > y.day ? 1 : 0));
  return { days, models, model_days: modelDays };
}

export interface ExportOptions {
  /**
   * Events without their bodies (prompt, completion, params, returns, logs, screenshot; a handoff keeps its
   * params), for a timeline of any session: the dashboard loads one event's body when it is opened.
   */
  summary?: boolean;
}

const BODY_FIELDS = new Set(['prompt', 'completion', 'params', 'returns', 'logs', 'screenshot']);

/** An event's JSON without its bodies (see {@link ExportOptions.summary}); long texts cut to 300 characters. */
export function summaryOf(data: string): string {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return data;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (BODY_FIELDS.has(k) && !(k === 'params' && e.action_type === 'handoff')) continue;
    out[k] = typeof v === 'string' && v.length > 300 ? `${v.slice(0, 300)}…` : v;
  }
  return JSON.stringify(out);
}

/** Events per page of an export: at most this many times the 1 MiB an event may hold in memory at once. */
export const EXPORT_PAGE = 256;

/**
 * The export's JSON text: the head, then each type's events page by page through `page` (keyset on time and
 * id), so a session of any size goes out in bounded memory.
 */
export async function* exportChunks(
  head: { session: StoredSession; stats: SessionStats; agents: unknown[] },
  page: (type: EventType, afterTime: string, afterId: string, limit: number) => Promise<Array<{ data: string; init_timestamp: string; id: string }>>,
  options: ExportOptions = {},
): AsyncIterable<string> {
  const shown = options.summary ? summaryOf : (data: string) => data;
  yield `{"session":${JSON.stringify(head.session)},"stats":${JSON.stringify(head.stats)},"agents":${JSON.stringify(head.agents)}`;
  for (const type of EVENT_TYPES) {
    yield `,${JSON.stringify(type)}:[`;
    let first = true;
    let cursor = { t: '', id: '' };
    for (;;) {
      const rows = await page(type, cursor.t, cursor.id, EXPORT_PAGE);
      if (rows.length === 0) break;
      yield (first ? '' : ',') + rows.map((r) => shown(r.data)).join(',');
      first = false;
      const last = rows[rows.length - 1];
      cursor = { t: last.init_timestamp, id: last.id };
      if (rows.length < EXPORT_PAGE) break;
    }
    yield ']';
  }
  yield '}';
}

/** Text of an event kept for search, at most this many characters (the rest is not searchable). */
export const SEARCH_TEXT_CHARS = 32_768;
const SEARCHED_FIELDS = ['model', 'name', 'action_type', 'error_type', 'code', 'details', 'prompt', 'completion', 'params', 'returns', 'logs'] as const;

/**
 * The words of an event that full-text search finds, lower-case and space-separated: every string (and number)
 * of its text fields, capped. Both stores index these words, so both find the same events.
 */
export function searchText(e: EventModel): string {
  const out: string[] = [];
  let size = 0;
  const walk = (v: unknown, depth: number): void => {
    if (size >= SEARCH_TEXT_CHARS || depth > 16 || v === null || v === undefined) return;
    if (typeof v === 'string' || typeof v === 'number') {
      const t = String(v);
      out.push(t);
      size += t.length + 1;
    } else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (typeof v === 'object') for (const x of Object.values(v as Record<string, unknown>)) walk(x, depth + 1);
  };
  const r = e as unknown as Record<string, unknown>;
  for (const f of SEARCHED_FIELDS) walk(r[f], 0);
  return words(out.join(' ').slice(0, SEARCH_TEXT_CHARS));
}

// One replace, not a list of matches: this runs for every event stored. ASCII text (most of it) takes the
// cheaper class; both keep exactly the letters and digits.
const NOT_WORD_ASCII = /[^a-z0-9]+/g;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;
const ASCII = /^[\t\n\r\x20-\x7e]*$/;
const words = (text: string) => {
  const lower = text.toLowerCase();
  return lower.replace(ASCII.test(lower) ? NOT_WORD_ASCII : NOT_WORD, ' ').trim();
};

/** The words of a search, at most 16: every one must match (a word as the tokenizers see it, letters and digits). */
export function searchWords(search: string): string[] {
  const w = words(search);
  return w ? w.split(' ').slice(0, 16) : [];
}
