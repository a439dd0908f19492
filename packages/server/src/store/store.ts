import type { AgentModel, EndState, EventModel, SessionModel, SessionStats } from '@agentops/model';
import type { ExportOptions } from './rows.js';

/** A session row as the REST API returns it. */
export interface StoredSession extends SessionModel {
  project_id: string;
}

export interface SessionListItem {
  session_id: string;
  init_timestamp: string;
  end_timestamp: string | null;
  end_state: EndState | null;
  end_state_reason: string | null;
  tags: string[];
  cost: string;
  events: number;
  llm_calls: number;
  /** LLM calls without a known price: `cost` is the priced part only. */
  unpriced_llm_calls: number;
  /** Error events of the session. */
  errors: number;
  total_tokens: number;
  /** The models its LLM calls used (at most {@link MODELS_PER_SESSION}, sorted). */
  models: string[];
  /** The app it came from: the project name of its host environment, else its OpenTelemetry service name. */
  app: string | null;
  /** With a search: the first event of the session that matches it (undefined when only a tag matched). */
  match_event_id?: string;
}

/** Models listed per session: a bound, so that no client can make a list row grow without end. */
export const MODELS_PER_SESSION = 20;

export interface SessionQuery {
  tag?: string;
  endState?: string;
  limit: number;
  before?: string;
  /** With `before`: the session id of the last row seen, so rows sharing its timestamp are not skipped. */
  beforeId?: string;
  after?: string;
  /** Sessions whose LLM calls used this model. */
  model?: string;
  /** Sessions with an agent of this name. */
  agent?: string;
  /** Only sessions with (true) or without (false) error events. */
  hasErrors?: boolean;
  /** Cost bounds, USD, inclusive (the priced part). */
  minCost?: number;
  maxCost?: number;
  /**
   * Full-text search: sessions with an event whose text (prompt, completion, tool and action params and returns,
   * error type and message, names) holds every word of it, or with a tag containing it. Each row then names its
   * first matching event (`match_event_id`).
   */
  search?: string;
}

export interface Overview {
  days: Array<{
    day: string;
    cost: number;
    prompt_tokens: number;
    completion_tokens: number;
    llm_calls: number;
    unpriced_llm_calls: number;
    sessions: number;
    /** Events of the day, and how many of them were errors. */
    events: number;
    errors: number;
    /** errors / events; null on a day without events. */
    error_rate: number | null;
  }>;
  /**
   * Per model over the range, by cost: at most 50. `p50_ms` and `p95_ms` are LLM latency percentiles from a
   * histogram of √2-wide buckets (so within ±19 %); null without calls.
   */
  models: Array<{
    model: string | null;
    calls: number;
    unpriced_llm_calls: number;
    cost: number;
    prompt_tokens: number;
    completion_tokens: number;
    p50_ms: number | null;
    p95_ms: number | null;
  }>;
  /** Cost, tokens and calls per day and model (days with calls only), for charts by model. */
  model_days: Array<{ day: string; model: string | null; cost: number; tokens: number; calls: number }>;
}

/** What one request writes, already checked by `checkBatch`. */
export interface WriteBatch {
  sessions?: readonly SessionModel[];
  events?: readonly EventModel[];
  agents?: readonly AgentModel[];
}

export interface WriteOptions {
  /** The sessions' tags are added to the known ones (a join through create_session), not put in their place. */
  joinTags?: boolean;
}

/**
 * Everything the routes, auth and OTLP ingest need from storage. Implementations keep their SQL dialect to
 * themselves (`SqliteStore`, `PostgresStore`); a third store (ClickHouse for events) is another implementation.
 *
 * Semantics every store keeps (SPEC §6): events are idempotent by (project, session, id); a write is one
 * transaction, durable before the promise resolves; sessions merge as `write` says; each session's totals and
 * the per-day usage are kept exact as events are inserted, so stats, lists and the overview do not grow with
 * the number of events stored.
 */
export interface Store {
  /** `sqlite` or `postgres`: shown by the CLI, used by tests. */
  readonly kind: string;
  close(): Promise<void>;
  /** The HS256 secret shared by every server on this database (made on first use). */
  jwtSecret(): Promise<Uint8Array>;
  projectCount(): Promise<number>;
  /** Registers `apiKey` for the project named `projectName`, creating the project if needed; returns its id. */
  addApiKey(apiKey: string, projectName?: string): Promise<string>;
  /** The project of an API key. */
  projectForKey(apiKey: string): Promise<string | undefined>;
  /** True while the key of that hash exists and belongs to that project (tokens name the key they came from). */
  keyHashBelongs(keyHash: string, projectId: string): Promise<boolean>;
  /** Deletes an API key: it and every token made with it stop working. */
  deleteApiKey(apiKey: string): Promise<boolean>;
  /** A project's id and name. */
  project(projectId: string): Promise<{ id: string; name: string } | undefined>;
  /** The project a session id belongs to, if any. */
  sessionOwner(sessionId: string): Promise<string | undefined>;
  /**
   * Writes a batch in one transaction and resolves after its commit: sessions (the merge rule of SPEC §6),
   * events (a known id in its session is ignored), agents (upsert). Resolves with the number of events inserted.
   */
  write(projectId: string, batch: WriteBatch, options?: WriteOptions): Promise<number>;
  getSession(projectId: string, sessionId: string): Promise<StoredSession | undefined>;
  stats(projectId: string, sessionId: string): Promise<SessionStats | undefined>;
  /** The ids of a session's events that match a full-text search (see {@link SessionQuery.search}), at most 1,000. */
  searchSession(projectId: string, sessionId: string, search: string): Promise<string[]>;
  /** The export as JSON text in chunks, read page by page: bounded memory for a session of any size. */
  exportSessionJson(projectId: string, sessionId: string, options?: ExportOptions): Promise<AsyncIterable<string> | undefined>;
  /** One event's JSON as stored, or undefined. */
  getEvent(projectId: string, sessionId: string, eventId: string): Promise<string | undefined>;
  /** Cost and tokens per day (every day of the range, zeros included) and per model, since `since`. */
  overview(projectId: string, since: Date): Promise<Overview>;
  listSessions(projectId: string, q: SessionQuery): Promise<SessionListItem[]>;
  /**
   * The code of a storage error the client should retry later (503 with `retry-after`): a full disk, a
   * read-only file, a database server that is down. Undefined for any other error.
   */
  unavailableCode(error: unknown): string | undefined;
}
