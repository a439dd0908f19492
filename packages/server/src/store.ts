import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { eventJson } from './bounds.js';
import {
  EVENT_TYPES,
  formatCost,
  type AgentModel,
  type EndState,
  type EventModel,
  type EventType,
  type SessionModel,
  type SessionStats,
} from '@agentops/model';

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
  total_tokens: number;
}

export interface SessionQuery {
  tag?: string;
  endState?: string;
  limit: number;
  before?: string;
  /** With `before`: the session id of the last row seen, so rows sharing its timestamp are not skipped. */
  beforeId?: string;
  after?: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS projects (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
  key_hash TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  project_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  init_timestamp TEXT NOT NULL,
  end_timestamp TEXT,
  end_state TEXT,
  end_state_reason TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  host_env TEXT,
  video TEXT,
  PRIMARY KEY (project_id, session_id)
);
CREATE INDEX IF NOT EXISTS sessions_by_time ON sessions (project_id, init_timestamp DESC);
CREATE TABLE IF NOT EXISTS events (
  project_id TEXT NOT NULL,
  id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  init_timestamp TEXT NOT NULL,
  end_timestamp TEXT NOT NULL,
  agent_id TEXT,
  model TEXT,
  cost REAL,
  prompt_tokens INTEGER,
  completion_tokens INTEGER,
  cache_read_tokens INTEGER,
  reasoning_tokens INTEGER,
  data TEXT NOT NULL,
  PRIMARY KEY (project_id, session_id, id)
);
CREATE INDEX IF NOT EXISTS events_by_session ON events (project_id, session_id, init_timestamp);
CREATE INDEX IF NOT EXISTS events_by_session_type ON events (project_id, session_id, event_type, init_timestamp, id);
CREATE INDEX IF NOT EXISTS events_by_time ON events (project_id, init_timestamp);
CREATE TABLE IF NOT EXISTS agents (
  project_id TEXT NOT NULL,
  id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (project_id, id)
);
`;

/** Version 1: events are identified by (project, session, id), not (project, id). */
const SCHEMA_VERSION = 1;

/** Moves a schema-0 events table aside (its primary key lacks the session), to be copied after SCHEMA ran. */
function migrate(db: Database.Database): void {
  if ((db.pragma('user_version', { simple: true }) as number) >= SCHEMA_VERSION) return;
  const cols = db.prepare('PRAGMA table_info(events)').all() as Array<{ name: string; pk: number }>;
  if (cols.length === 0 || cols.some((c) => c.name === 'session_id' && c.pk > 0)) return;
  db.exec('DROP INDEX IF EXISTS events_by_session; DROP INDEX IF EXISTS events_by_time; ALTER TABLE events RENAME TO events_v0;');
}

/** Lock files this process holds, and how many stores of it use each (tests open two on one file). */
const heldLocks = new Map<string, number>();

function releaseLock(lockFile: string): void {
  const n = (heldLocks.get(lockFile) ?? 1) - 1;
  if (n > 0) heldLocks.set(lockFile, n);
  else {
    heldLocks.delete(lockFile);
    rmSync(lockFile, { force: true });
  }
}

/** The lock file of a server's database: refused while another live process holds it. */
function takeLock(lockFile: string): string {
  const held = heldLocks.get(lockFile);
  if (held) {
    heldLocks.set(lockFile, held + 1);
    return lockFile;
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      heldLocks.set(lockFile, 1);
      return lockFile;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lockFile, 'utf8'));
      let alive = false;
      try {
        alive = Number.isInteger(pid) && pid > 0 && (process.kill(pid, 0), true);
      } catch (err) {
        alive = (err as NodeJS.ErrnoException).code === 'EPERM';
      }
      if (alive) {
        throw new Error(
          `another AgentOps server (pid ${pid}) is using ${lockFile.slice(0, -5)}: one server process per SQLite file is supported (stop it, or give this one another --db)`,
        );
      }
      rmSync(lockFile, { force: true }); // left by a process that died
    }
  }
  throw new Error(`could not lock ${lockFile}`);
}

/** Events per page of an export: at most this many times the 1 MiB an event may hold in memory at once. */
const EXPORT_PAGE = 256;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key.toLowerCase()).digest('hex');
}

const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : null);
const real = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The SQLite store (WAL; a commit is on disk before the HTTP answer, so a crash or `kill -9` loses nothing
 * that was acknowledged). Every write is a prepared statement inside one transaction per request.
 */
export class Store {
  readonly db: Database.Database;
  private readonly st;

  private readonly lockFile: string | undefined;

  /**
   * `exclusive`: this process is the server of the file. One server process per SQLite file is what is
   * supported (several replicas need a shared database server): a second one is refused with a clear error.
   */
  constructor(file: string, options: { exclusive?: boolean } = {}) {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.lockFile = options.exclusive && file !== ':memory:' ? takeLock(`${path.resolve(file)}.lock`) : undefined;
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives an application crash; only an OS crash can lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.db.exec(SCHEMA);
    if (this.db.pragma('user_version', { simple: true }) === 0) this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.copyOldEvents();
    const db = this.db;
    this.st = {
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING'),
      projectCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM projects'),
      projectByName: db.prepare<[string], { id: string }>('SELECT id FROM projects WHERE name = ?'),
      insertProject: db.prepare('INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)'),
      keyByHash: db.prepare<[string], { key_hash: string; project_id: string }>('SELECT key_hash, project_id FROM api_keys WHERE key_hash = ?'),
      insertKey: db.prepare('INSERT INTO api_keys (key_hash, project_id, created_at) VALUES (?, ?, ?) ON CONFLICT(key_hash) DO NOTHING'),
      sessionOwner: db.prepare<[string], { project_id: string }>('SELECT project_id FROM sessions WHERE session_id = ?'),
      // The merge rule of SPEC §6: tags only grow through a join (create_session of a known id, an inherited
      // span), the session's own update replaces them; an end is taken only from an end, never undone, the
      // latest end wins; the earliest start wins; a missing start keeps the known one.
      upsertSession: db.prepare(`
        INSERT INTO sessions (project_id, session_id, init_timestamp, end_timestamp, end_state, end_state_reason, tags, host_env, video)
        VALUES (@project_id, @session_id, COALESCE(@init_timestamp, @now), @end_timestamp, @end_state, @end_state_reason, @tags, @host_env, @video)
        ON CONFLICT(project_id, session_id) DO UPDATE SET
          init_timestamp = CASE WHEN @init_timestamp IS NULL THEN init_timestamp ELSE MIN(init_timestamp, @init_timestamp) END,
          end_state = CASE WHEN @end_timestamp IS NULL OR @is_inherited THEN end_state
                           WHEN end_timestamp IS NULL OR @end_timestamp >= end_timestamp THEN excluded.end_state
                           ELSE end_state END,
          end_state_reason = CASE WHEN @end_timestamp IS NULL OR @is_inherited THEN end_state_reason
                                  WHEN end_timestamp IS NULL OR @end_timestamp >= end_timestamp THEN excluded.end_state_reason
                                  ELSE end_state_reason END,
          end_timestamp = CASE WHEN @end_timestamp IS NULL OR @is_inherited THEN end_timestamp
                               WHEN end_timestamp IS NULL THEN @end_timestamp
                               ELSE MAX(end_timestamp, @end_timestamp) END,
          tags = CASE WHEN NOT @has_tags THEN tags
                      WHEN @merge_tags THEN (SELECT json_group_array(value) FROM (SELECT value FROM json_each(sessions.tags) UNION SELECT value FROM json_each(excluded.tags)))
                      ELSE excluded.tags END,
          host_env = CASE WHEN @is_inherited THEN COALESCE(host_env, excluded.host_env) ELSE COALESCE(excluded.host_env, host_env) END,
          video = COALESCE(excluded.video, video)`),
      ensureSession: db.prepare(`
        INSERT INTO sessions (project_id, session_id, init_timestamp) VALUES (?, ?, ?)
        ON CONFLICT(project_id, session_id) DO UPDATE SET init_timestamp = MIN(init_timestamp, excluded.init_timestamp)`),
      insertEvent: db.prepare(`
        INSERT INTO events (project_id, id, session_id, event_type, init_timestamp, end_timestamp, agent_id, model, cost,
                            prompt_tokens, completion_tokens, cache_read_tokens, reasoning_tokens, data)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(project_id, session_id, id) DO NOTHING`),
      upsertAgent: db.prepare(`
        INSERT INTO agents (project_id, id, session_id, name) VALUES (?, ?, ?, ?)
        ON CONFLICT(project_id, id) DO UPDATE SET name = excluded.name`),
      getSession: db.prepare<[string, string], Record<string, unknown>>('SELECT * FROM sessions WHERE project_id = ? AND session_id = ?'),
      stats: db.prepare<[string, string], Record<string, number | null>>(`
        SELECT COUNT(*) AS events,
               TOTAL(cost) AS cost,
               TOTAL(prompt_tokens) AS prompt_tokens,
               TOTAL(completion_tokens) AS completion_tokens,
               TOTAL(cache_read_tokens) AS cache_read_tokens,
               TOTAL(reasoning_tokens) AS reasoning_tokens,
               SUM(event_type = 'llms') AS llms, SUM(event_type = 'llms' AND cost IS NULL) AS unpriced,
               SUM(event_type = 'actions') AS actions,
               SUM(event_type = 'tools') AS tools, SUM(event_type = 'errors') AS errors
        FROM events WHERE project_id = ? AND session_id = ?`),
      events: db.prepare<[string, string], { event_type: EventType; data: string }>(
        'SELECT event_type, data FROM events WHERE project_id = ? AND session_id = ? ORDER BY init_timestamp, id',
      ),
      eventsPage: db.prepare<[string, string, string, string, string, number], { data: string; init_timestamp: string; id: string }>(
        // A row-value comparison, so the page is a range of the (project, session, type, time, id) index.
        `SELECT data, init_timestamp, id FROM events WHERE project_id = ? AND session_id = ? AND event_type = ?
           AND (init_timestamp, id) > (?, ?) ORDER BY init_timestamp, id LIMIT ?`,
      ),
      agents: db.prepare<[string, string], { id: string; name: string }>('SELECT id, name FROM agents WHERE project_id = ? AND session_id = ?'),
    };
  }

  /** Events kept from a store of schema 0 (one id per project), moved into the per-session table. */
  private copyOldEvents(): void {
    const old = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events_v0'").get();
    if (!old) return;
    this.db.transaction(() => {
      this.db.exec('INSERT OR IGNORE INTO events SELECT * FROM events_v0; DROP TABLE events_v0;');
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  close(): void {
    this.db.close();
    if (this.lockFile) releaseLock(this.lockFile);
  }

  /** A value kept across restarts, created by `make` the first time. */
  meta(key: string, make: () => string): string {
    const row = this.st.getMeta.get(key);
    if (row) return row.value;
    this.st.setMeta.run(key, make());
    return this.st.getMeta.get(key)!.value;
  }

  jwtSecret(): Uint8Array {
    return Buffer.from(this.meta('jwt_secret', () => randomBytes(32).toString('hex')), 'hex');
  }

  projectCount(): number {
    return this.st.projectCount.get()!.n;
  }

  /** Registers `apiKey` for the project named `projectName`, creating the project if needed. */
  addApiKey(apiKey: string, projectName = 'default'): string {
    return this.db.transaction(() => {
      let project = this.st.projectByName.get(projectName)?.id;
      if (!project) {
        project = randomUUID();
        this.st.insertProject.run(project, projectName, new Date().toISOString());
      }
      const existing = this.st.keyByHash.get(hashApiKey(apiKey));
      if (existing && existing.project_id !== project) {
        throw new Error(`API key ${apiKey.slice(0, 8)}… already belongs to another project`);
      }
      this.st.insertKey.run(hashApiKey(apiKey), project, new Date().toISOString());
      return project;
    })();
  }

  /** The project of an API key; constant-time on the hash, so timing tells nothing about stored keys. */
  projectForKey(apiKey: string): string | undefined {
    const hash = hashApiKey(apiKey);
    const row = this.st.keyByHash.get(hash);
    if (!row) return undefined;
    return timingSafeEqual(Buffer.from(row.key_hash, 'hex'), Buffer.from(hash, 'hex')) ? row.project_id : undefined;
  }

  /** True while the key of that hash exists and belongs to that project (tokens name the key they came from). */
  keyHashBelongs(keyHash: string, projectId: string): boolean {
    return this.st.keyByHash.get(keyHash)?.project_id === projectId;
  }

  /** Deletes an API key: it and every token made with it stop working. */
  deleteApiKey(apiKey: string): boolean {
    return this.db.prepare('DELETE FROM api_keys WHERE key_hash = ?').run(hashApiKey(apiKey)).changes > 0;
  }

  /** The project a session id belongs to, if any. */
  sessionOwner(sessionId: string): string | undefined {
    return this.st.sessionOwner.get(sessionId)?.project_id;
  }

  private sessionParams(projectId: string, s: SessionModel, mergeTags: boolean) {
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
      tags: JSON.stringify(s.tags ?? []),
      host_env: s.host_env ? JSON.stringify(s.host_env) : null,
      video: s.video ?? null,
      is_inherited: s.inherited ? 1 : 0,
      has_tags: Array.isArray(s.tags) ? 1 : 0,
      merge_tags: mergeTags || s.inherited ? 1 : 0,
    };
  }

  private insertEvents(projectId: string, events: readonly EventModel[]): number {
    // Events may name sessions the store has not seen yet (OTLP): one upsert per session, not per event.
    const firstSeen = new Map<string, string>();
    for (const e of events) {
      const t = firstSeen.get(e.session_id);
      if (t === undefined || e.init_timestamp < t) firstSeen.set(e.session_id, e.init_timestamp);
    }
    for (const [sessionId, init] of firstSeen) this.st.ensureSession.run(projectId, sessionId, init);
    let inserted = 0;
    for (const e of events) {
      const llm = e.event_type === 'llms' ? e : undefined;
      // Positional parameters: measurably faster than named ones on this, the hottest statement.
      inserted += this.st.insertEvent.run(
        projectId,
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
      ).changes;
    }
    return inserted;
  }

  /**
   * Writes a batch in one transaction: sessions (merged, see `upsertSession`), events (idempotent by id within
   * their session), agents (upsert). `joinTags`: the sessions' tags are added to the known ones (a join through
   * create_session), not put in their place (the session's own update).
   */
  write(
    projectId: string,
    batch: { sessions?: readonly SessionModel[]; events?: readonly EventModel[]; agents?: readonly AgentModel[] },
    options: { joinTags?: boolean } = {},
  ): number {
    return this.db.transaction(() => {
      for (const s of batch.sessions ?? []) this.st.upsertSession.run(this.sessionParams(projectId, s, options.joinTags === true));
      const n = this.insertEvents(projectId, batch.events ?? []);
      for (const a of batch.agents ?? []) this.st.upsertAgent.run(projectId, a.id, a.session_id, a.name);
      return n;
    })();
  }

  getSession(projectId: string, sessionId: string): StoredSession | undefined {
    const row = this.st.getSession.get(projectId, sessionId);
    return row ? rowToSession(row) : undefined;
  }

  stats(projectId: string, sessionId: string): SessionStats | undefined {
    const session = this.getSession(projectId, sessionId);
    if (!session) return undefined;
    const r = this.st.stats.get(projectId, sessionId)!;
    const n = (k: string) => Number(r[k] ?? 0);
    const duration =
      session.end_timestamp && session.init_timestamp ? Math.max(0, Date.parse(session.end_timestamp) - Date.parse(session.init_timestamp)) : null;
    return {
      session_id: sessionId,
      cost: formatCost(n('cost')),
      events: n('events'),
      prompt_tokens: n('prompt_tokens'),
      completion_tokens: n('completion_tokens'),
      cache_read_tokens: n('cache_read_tokens'),
      reasoning_tokens: n('reasoning_tokens'),
      total_tokens: n('prompt_tokens') + n('completion_tokens'),
      errors: n('errors'),
      event_counts: { llms: n('llms'), actions: n('actions'), tools: n('tools'), errors: n('errors') },
      duration_ms: duration,
      end_state: session.end_state ?? null,
      unpriced_llm_calls: n('unpriced'),
    };
  }

  /**
   * The export of a session as JSON text in chunks, read page by page (by type, then time and id), so that a
   * session of any size is exported in bounded memory. Undefined when there is no such session.
   */
  exportSessionJson(projectId: string, sessionId: string): Iterable<string> | undefined {
    const session = this.getSession(projectId, sessionId);
    if (!session) return undefined;
    const stats = this.stats(projectId, sessionId)!;
    const agents = this.st.agents.all(projectId, sessionId);
    const page = this.st.eventsPage;
    return (function* () {
      yield `{"session":${JSON.stringify(session)},"stats":${JSON.stringify(stats)},"agents":${JSON.stringify(agents)}`;
      for (const type of EVENT_TYPES) {
        yield `,${JSON.stringify(type)}:[`;
        let first = true;
        let cursor = { t: '', id: '' };
        for (;;) {
          const rows = page.all(projectId, sessionId, type, cursor.t, cursor.id, EXPORT_PAGE);
          if (rows.length === 0) break;
          const parts = rows.map((r) => r.data);
          yield (first ? '' : ',') + parts.join(',');
          first = false;
          const last = rows[rows.length - 1];
          cursor = { t: last.init_timestamp, id: last.id };
          if (rows.length < EXPORT_PAGE) break;
        }
        yield ']';
      }
      yield '}';
    })();
  }

  exportSession(projectId: string, sessionId: string) {
    const session = this.getSession(projectId, sessionId);
    if (!session) return undefined;
    const out: Record<EventType, unknown[]> = { llms: [], actions: [], tools: [], errors: [] };
    for (const row of this.st.events.all(projectId, sessionId)) out[row.event_type]?.push(JSON.parse(row.data));
    return { session, stats: this.stats(projectId, sessionId)!, agents: this.st.agents.all(projectId, sessionId), ...out };
  }

  /** Cost and tokens per day (every day of the range, zeros included) and per model, since `since`. */
  overview(projectId: string, since: Date): Overview {
    // Whole days: the first day of the range counts from its midnight (UTC), as its row in `days` says.
    const from = `${since.toISOString().slice(0, 10)}T00:00:00.000Z`;
    const byDay = new Map(
      (
        this.db
          .prepare(
            `SELECT substr(init_timestamp, 1, 10) AS day, TOTAL(cost) AS cost, TOTAL(prompt_tokens) AS prompt_tokens,
                    TOTAL(completion_tokens) AS completion_tokens, SUM(event_type = 'llms') AS llm_calls,
                    SUM(event_type = 'llms' AND cost IS NULL) AS unpriced
             FROM events WHERE project_id = ? AND init_timestamp >= ? GROUP BY day`,
          )
          .all(projectId, from) as Array<Record<string, number | string>>
      ).map((r) => [String(r.day), r]),
    );
    const sessionsByDay = new Map(
      (
        this.db
          .prepare(`SELECT substr(init_timestamp, 1, 10) AS day, COUNT(*) AS n FROM sessions WHERE project_id = ? AND init_timestamp >= ? GROUP BY day`)
          .all(projectId, from) as Array<{ day: string; n: number }>
      ).map((r) => [r.day, r.n]),
    );
    const days: Overview['days'] = [];
    for (let t = Date.parse(from.slice(0, 10)); t <= Date.now(); t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      const r = byDay.get(day);
      days.push({
        day,
        cost: Number(r?.cost ?? 0),
        prompt_tokens: Number(r?.prompt_tokens ?? 0),
        completion_tokens: Number(r?.completion_tokens ?? 0),
        llm_calls: Number(r?.llm_calls ?? 0),
        unpriced_llm_calls: Number(r?.unpriced ?? 0),
        sessions: sessionsByDay.get(day) ?? 0,
      });
    }
    const models = this.db
      .prepare(
        `SELECT model, COUNT(*) AS calls, SUM(cost IS NULL) AS unpriced_llm_calls, TOTAL(cost) AS cost, TOTAL(prompt_tokens) AS prompt_tokens,
                TOTAL(completion_tokens) AS completion_tokens
         FROM events WHERE project_id = ? AND event_type = 'llms' AND init_timestamp >= ? GROUP BY model ORDER BY cost DESC, calls DESC LIMIT 50`,
      )
      .all(projectId, from) as Overview['models'];
    return { days, models };
  }

  listSessions(projectId: string, q: SessionQuery): SessionListItem[] {
    const where = ['s.project_id = @project'];
    if (q.tag !== undefined) where.push('EXISTS (SELECT 1 FROM json_each(s.tags) WHERE value = @tag)');
    if (q.endState !== undefined) where.push(q.endState === 'Running' ? 's.end_timestamp IS NULL' : 's.end_timestamp IS NOT NULL AND s.end_state = @endState');
    if (q.before !== undefined) {
      where.push(q.beforeId !== undefined ? '(s.init_timestamp < @before OR (s.init_timestamp = @before AND s.session_id < @beforeId))' : 's.init_timestamp < @before');
    }
    if (q.after !== undefined) where.push('s.init_timestamp >= @after');
    // The page of sessions first (index on project + time), then each row's totals by the per-session
    // index: the cost stays that of one page however many sessions the project has.
    const rows = this.db
      .prepare(
        `SELECT s.*,
                (SELECT COUNT(*) FROM events e WHERE e.project_id = s.project_id AND e.session_id = s.session_id) AS events,
                (SELECT TOTAL(cost) FROM events e WHERE e.project_id = s.project_id AND e.session_id = s.session_id) AS cost,
                (SELECT COUNT(*) FROM events e WHERE e.project_id = s.project_id AND e.session_id = s.session_id AND e.event_type = 'llms') AS llm_calls,
                (SELECT COUNT(*) FROM events e WHERE e.project_id = s.project_id AND e.session_id = s.session_id AND e.event_type = 'llms' AND e.cost IS NULL) AS unpriced,
                (SELECT TOTAL(prompt_tokens) + TOTAL(completion_tokens) FROM events e
                  WHERE e.project_id = s.project_id AND e.session_id = s.session_id) AS total_tokens
         FROM sessions s
         WHERE ${where.join(' AND ')}
         ORDER BY s.init_timestamp DESC, s.session_id DESC LIMIT @limit`,
      )
      .all({ project: projectId, tag: q.tag, endState: q.endState, before: q.before, beforeId: q.beforeId, after: q.after, limit: q.limit }) as Record<string, unknown>[];
    return rows.map((r) => {
      const s = rowToSession(r);
      return {
        session_id: s.session_id,
        init_timestamp: s.init_timestamp,
        end_timestamp: s.end_timestamp ?? null,
        end_state: s.end_state ?? null,
        end_state_reason: s.end_state_reason ?? null,
        tags: s.tags,
        cost: formatCost(Number(r.cost)),
        events: Number(r.events),
        llm_calls: Number(r.llm_calls),
        unpriced_llm_calls: Number(r.unpriced),
        total_tokens: Number(r.total_tokens),
      };
    });
  }
}

export interface Overview {
  days: Array<{ day: string; cost: number; prompt_tokens: number; completion_tokens: number; llm_calls: number; unpriced_llm_calls: number; sessions: number }>;
  models: Array<{ model: string | null; calls: number; unpriced_llm_calls: number; cost: number; prompt_tokens: number; completion_tokens: number }>;
}

function rowToSession(row: Record<string, unknown>): StoredSession {
  return {
    project_id: String(row.project_id),
    session_id: String(row.session_id),
    init_timestamp: String(row.init_timestamp),
    end_timestamp: (row.end_timestamp as string | null) ?? null,
    // Without an end it is running, whatever end state was stored with it.
    end_state: row.end_timestamp ? ((row.end_state as EndState | null) ?? null) : null,
    end_state_reason: row.end_timestamp ? ((row.end_state_reason as string | null) ?? null) : null,
    tags: JSON.parse(String(row.tags ?? '[]')) as string[],
    host_env: row.host_env ? (JSON.parse(String(row.host_env)) as Record<string, unknown>) : null,
    video: (row.video as string | null) ?? null,
  };
}

export { EVENT_TYPES };
