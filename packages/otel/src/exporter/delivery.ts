import type { AgentModel, ConvertedBatch, EventModel, SessionModel } from '@agentops/model';
import type { AgentOpsApiClient } from './api-client.js';

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

/** Splits a converted batch by session. */
export function groupBySession(batch: ConvertedBatch): SessionGroup[] {
  const groups = new Map<string, SessionGroup>();
  const group = (id: string): SessionGroup => {
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { sessionId: id, ended: false, events: [], agents: [] }));
    return g;
  };
  for (const s of batch.sessions) {
    const g = group(s.session_id);
    g.session = s;
    g.ended = s.end_timestamp != null;
  }
  for (const e of batch.events) group(e.session_id).events.push(e);
  for (const a of batch.agents) group(a.session_id).agents.push(a);
  return [...groups.values()];
}

/** Count of what a group carries, for drop accounting. */
export function groupSize(g: SessionGroup): number {
  return g.events.length + g.agents.length + (g.session ? 1 : 0);
}

/**
 * Sends one session's share of a batch: make sure the session exists, then its agents, its events (idempotent
 * by id, so a resend is harmless), and last its end, whose answer is the server's cost of the session.
 */
export async function deliverGroup(
  api: AgentOpsApiClient,
  g: SessionGroup,
  ensureSession: (sessionId: string, model?: SessionModel) => Promise<void>,
): Promise<string | undefined> {
  await ensureSession(g.sessionId, g.session);
  for (const a of g.agents) await api.createAgent(a);
  for (let i = 0; i < g.events.length; i += EVENTS_PER_REQUEST) {
    await api.createEvents(g.sessionId, g.events.slice(i, i + EVENTS_PER_REQUEST));
  }
  if (g.session && g.ended) return api.updateSession(g.session);
  return undefined;
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
