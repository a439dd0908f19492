import { fitEvent, fitSession, type AgentModel, type ConvertedBatch, type EventModel, type SessionModel } from '@agentops/model';
import { ApiError, type AgentOpsApiClient } from './api-client.js';

/** What one export sends for one session, in the order the API needs it. */
export interface SessionGroup {
  sessionId: string;
  /** The session as its span says; with `ended`, it goes out through `update_session`. */
  session?: SessionModel;
  ended: boolean;
  events: EventModel[];
  agents: AgentModel[];
}

const EVENTS_PER_REQUEST = 1000;

/** Splits a converted batch by session, each event and session fitted to the server's bounds. */
export function groupBySession(batch: ConvertedBatch): SessionGroup[] {
  const groups = new Map<string, SessionGroup>();
  const group = (id: string): SessionGroup => {
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { sessionId: id, ended: false, events: [], agents: [] }));
    return g;
  };
  for (const s of batch.sessions) {
    const g = group(s.session_id);
    g.session = fitSession(s);
    g.ended = s.end_timestamp != null;
  }
  for (const e of batch.events) group(e.session_id).events.push(fitEvent(e));
  for (const a of batch.agents) group(a.session_id).agents.push(a);
  return [...groups.values()];
}

/** Count of what a group carries, for drop accounting. */
export function groupSize(g: SessionGroup): number {
  return g.events.length + g.agents.length + (g.session ? 1 : 0);
}

/** What one session's delivery came to. */
export interface GroupResult {
  /** The server's cost of the session, when its end was sent. */
  cost: string | undefined;
  /** Events the server refused one by one (each counted and reported by the caller). */
  refused: number;
  /** The server's reason for the first refused event. */
  refusal?: string;
}

/** The server refused the request for what it holds (400 malformed or out of bounds, 413 too large). */
const refusedForContent = (e: unknown): e is ApiError => e instanceof ApiError && (e.status === 400 || e.status === 413);

/**
 * Sends events; if the server refuses a request for its content, it is split in halves until the one bad event
 * is found, so one value out of range costs that event only, never the rest of the batch.
 */
async function sendEvents(api: AgentOpsApiClient, sessionId: string, events: EventModel[], result: GroupResult): Promise<void> {
  try {
    await api.createEvents(sessionId, events);
  } catch (e) {
    if (!refusedForContent(e)) throw e;
    if (events.length === 1) {
      result.refused++;
      result.refusal ??= e.message;
      return;
    }
    const half = Math.ceil(events.length / 2);
    await sendEvents(api, sessionId, events.slice(0, half), result);
    await sendEvents(api, sessionId, events.slice(half), result);
  }
}

/**
 * Sends one session's share of a batch: make sure the session exists, then its agents, its events (idempotent
 * by id, so a resend is harmless), and last its end, whose answer is the server's cost of the session.
 */
export async function deliverGroup(
  api: AgentOpsApiClient,
  g: SessionGroup,
  ensureSession: (sessionId: string, model?: SessionModel) => Promise<void>,
): Promise<GroupResult> {
  const result: GroupResult = { cost: undefined, refused: 0 };
  await ensureSession(g.sessionId, g.session);
  for (const a of g.agents) await api.createAgent(a);
  for (let i = 0; i < g.events.length; i += EVENTS_PER_REQUEST) {
    await sendEvents(api, g.sessionId, g.events.slice(i, i + EVENTS_PER_REQUEST), result);
  }
  if (g.session && g.ended) result.cost = await api.updateSession(g.session);
  return result;
}

/** What the exit-time worker process receives on stdin. */
export interface ExitPlan {
  endpoint: string;
  apiKey: string;
  retryWindowMs: number;
  requestTimeoutMs: number;
  jwts: Record<string, string>;
  sessionStarts: Record<string, SessionModel>;
  groups: SessionGroup[];
}

/** What the worker prints on stdout. */
export interface ExitReport {
  delivered: number;
  dropped: number;
  errors: string[];
}
