import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { EventModel, SessionStats } from '@agentops/model';
import {
  exportChunks,
  hashApiKey,
  listItemFromRow,
  overviewFrom,
  overviewOf,
  activityOf,
  eventOfColumns,
  LATENCY_BUCKETS,
  latencyBucket,
  rowToSession,
  searchText,
  searchWords,
  sessionParams,
  sortedEventColumns,
  statsFromRow,
  TOTAL_COLUMNS,
  touchedSessions,
  usageOf,
  type EventColumns,
  type ExportOptions,
} from './rows.js';
import { MODELS_PER_SESSION, type Overview, type SessionListItem, type SessionQuery, type Store, type StoredSession, type WriteBatch, type WriteOptions } from './store.js';

const TOTALS_DDL = TOTAL_COLUMNS.map((c) => `${c} ${c === 'cost' ? 'REAL' : 'INTEGER'} NOT NULL DEFAULT 0`).join(',\n  ');

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
  models TEXT NOT NULL DEFAULT '[]',
  ${TOTALS_DDL},
  PRIMARY KEY (project_id, session_id)
);
CREATE INDEX IF NOT EXISTS sessions_by_time ON sessions (project_id, init_timestamp DESC);
CREATE INDEX IF NOT EXISTS sessions_by_id ON sessions (session_id);
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
CREATE INDEX IF NOT EXISTS events_by_session_type ON events (project_id, session_id, event_type, init_timestamp, id);
CREATE INDEX IF NOT EXISTS events_by_time ON events (project_id, init_timestamp);
CREATE TABLE IF NOT EXISTS daily_usage (
  project_id TEXT NOT NULL,
  day TEXT NOT NULL,
  model TEXT NOT NULL,
  calls INTEGER NOT NULL DEFAULT 0,
  unpriced INTEGER NOT NULL DEFAULT 0,
  cost REAL NOT NULL DEFAULT 0,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  latency TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (project_id, day, model)
);
CREATE TABLE IF NOT EXISTS daily_activity (
  project_id TEXT NOT NULL,
  day TEXT NOT NULL,
  sessions INTEGER NOT NULL DEFAULT 0,
  events INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, day)
);
-- Contentless: the words only, keyed by the event's rowid.
CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5(words, content='', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS agents (
  project_id TEXT NOT NULL,
  id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE INDEX IF NOT EXISTS agents_by_name ON agents (project_id, name);
`;

/**
 * 1: events are identified by (project, session, id), not (project, id).
 * 2: sessions carry their totals and models, `daily_usage` the LLM usage and latency per day and model,
 *    `daily_activity` the sessions started and the events and errors per day, `events_fts` the search words.
 */
const SCHEMA_VERSION = 2;

/** Moves a schema-0 events table aside (its primary key lacks the session), to be copied after SCHEMA ran. */
function moveVersion0Events(db: Database.Database): void {
  if ((db.pragma('user_version', { simple: true }) as number) >= 1) return;
  const cols = db.prepare('PRAGMA table_info(events)').all() as Array<{ name: string; pk: number }>;
  if (cols.length === 0 || cols.some((c) => c.name === 'session_id' && c.pk > 0)) return;
  db.exec('DROP INDEX IF EXISTS events_by_session; DROP INDEX IF EXISTS events_by_time; ALTER TABLE events RENAME TO events_v0;');
}

/** Brings a store of an older schema to SCHEMA_VERSION after SCHEMA ran (a fresh file only gets its version). */
function upgrade(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version >= SCHEMA_VERSION) return;
  db.transaction(() => {
    if (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events_v0'").get()) {
      db.exec('INSERT OR IGNORE INTO events SELECT * FROM events_v0; DROP TABLE events_v0;');
    }
    const have = new Set((db.prepare('PRAGMA table_info(sessions)').all() as Array<{ name: string }>).map((c) => c.name));
    for (const c of TOTAL_COLUMNS) if (!have.has(c)) db.exec(`ALTER TABLE sessions ADD COLUMN ${c} ${c === 'cost' ? 'REAL' : 'INTEGER'} NOT NULL DEFAULT 0`);
    if (!have.has('models')) db.exec("ALTER TABLE sessions ADD COLUMN models TEXT NOT NULL DEFAULT '[]'");
    db.exec('DROP INDEX IF EXISTS events_by_session');
    // Totals of the events already stored: the one time they are computed from the events.
    db.exec(`
      UPDATE sessions SET (events, llms, unpriced, actions, tools, errors, cost, prompt_tokens, completion_tokens, cache_read_tokens, reasoning_tokens) = (
        SELECT COUNT(*), COALESCE(SUM(event_type = 'llms'), 0), COALESCE(SUM(event_type = 'llms' AND cost IS NULL), 0),
               COALESCE(SUM(event_type = 'actions'), 0), COALESCE(SUM(event_type = 'tools'), 0), COALESCE(SUM(event_type = 'errors'), 0),
               TOTAL(cost), TOTAL(prompt_tokens), TOTAL(completion_tokens), TOTAL(cache_read_tokens), TOTAL(reasoning_tokens)
        FROM events e WHERE e.project_id = sessions.project_id AND e.session_id = sessions.session_id);
      UPDATE sessions SET models = (SELECT json_group_array(model) FROM (SELECT DISTINCT model FROM events e
        WHERE e.project_id = sessions.project_id AND e.session_id = sessions.session_id AND e.event_type = 'llms' AND e.model IS NOT NULL
        ORDER BY model LIMIT ${MODELS_PER_SESSION}));
      DELETE FROM daily_activity;
      INSERT INTO daily_activity (project_id, day, sessions) SELECT project_id, substr(init_timestamp, 1, 10), COUNT(*) FROM sessions GROUP BY 1, 2;
      INSERT INTO daily_activity (project_id, day, events, errors)
        SELECT project_id, substr(init_timestamp, 1, 10), COUNT(*), SUM(event_type = 'errors') FROM events WHERE true GROUP BY 1, 2
        ON CONFLICT(project_id, day) DO UPDATE SET events = excluded.events, errors = excluded.errors;
      DELETE FROM daily_usage;
      INSERT INTO daily_usage (project_id, day, model, calls, unpriced, cost, prompt_tokens, completion_tokens)
        SELECT project_id, substr(init_timestamp, 1, 10), COALESCE(model, ''), COUNT(*), SUM(cost IS NULL), TOTAL(cost), TOTAL(prompt_tokens), TOTAL(completion_tokens)
        FROM events WHERE event_type = 'llms' GROUP BY 1, 2, 3;`);
    // Latency histograms of the LLM calls already stored.
    const hists = new Map<string, { project: string; day: string; model: string; h: number[] }>();
    for (const r of db.prepare("SELECT project_id, init_timestamp, end_timestamp, COALESCE(model, '') AS model FROM events WHERE event_type = 'llms'").iterate() as Iterable<
      Record<string, string>
    >) {
      const key = `${r.project_id}\u0000${r.init_timestamp.slice(0, 10)}\u0000${r.model}`;
      let x = hists.get(key);
      if (!x) hists.set(key, (x = { project: r.project_id, day: r.init_timestamp.slice(0, 10), model: r.model, h: new Array<number>(LATENCY_BUCKETS).fill(0) }));
      x.h[latencyBucket(Date.parse(r.end_timestamp) - Date.parse(r.init_timestamp))]++;
    }
    const setLatency = db.prepare('UPDATE daily_usage SET latency = ? WHERE project_id = ? AND day = ? AND model = ?');
    for (const x of hists.values()) setLatency.run(JSON.stringify(x.h), x.project, x.day, x.model);
    // The search index of the events already stored.
    const index = db.prepare('INSERT INTO events_fts (rowid, words) VALUES (?, ?)');
    const page = db.prepare<[number], { rowid: number; data: string }>('SELECT rowid, data FROM events WHERE rowid > ? ORDER BY rowid LIMIT 1000');
    // Page by page (a statement cannot write while another iterates), in bounded memory.
    for (let last = 0, rows = page.all(last); rows.length > 0; rows = page.all(last)) {
      for (const r of rows) {
        let event: EventModel | undefined;
        try {
          event = JSON.parse(r.data) as EventModel;
        } catch {
          // an event stored before the bounds that is not JSON: not searchable
        }
        const words = event ? searchText(event) : '';
        if (words) index.run(r.rowid, words);
      }
      last = rows[rows.length - 1].rowid;
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/** An FTS5 query that every word of `search` must match, each quoted (no operator of the user's reaches FTS5). */
function ftsQuery(search: string): string | undefined {
  const words = searchWords(search);
  return words.length ? words.map((w) => `"${w}"`).join(' ') : undefined;
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
          `another AgentOps server (pid ${pid}) is using ${lockFile.slice(0, -5)}: one server process per SQLite file is supported (for several replicas, use PostgreSQL: --db postgres://…)`,
        );
      }
      rmSync(lockFile, { force: true }); // left by a process that died
    }
  }
  throw new Error(`could not lock ${lockFile}`);
}

const UNAVAILABLE = new Set(['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_BUSY', 'SQLITE_LOCKED']);

/**
 * The embedded store: one SQLite file (WAL; a commit is on disk before the HTTP answer, so a crash or `kill -9`
 * loses nothing that was acknowledged). Every write is prepared statements inside one transaction per request.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  /** The database itself, for tests that fault it (a full disk, a read-only file). */
  readonly db: Database.Database;
  private readonly st;
  private readonly lockFile: string | undefined;

  /**
   * `exclusive`: this process is the server of the file. One server process per SQLite file is what is
   * supported (several replicas need PostgreSQL): a second one is refused with a clear error.
   */
  constructor(file: string, options: { exclusive?: boolean } = {}) {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.lockFile = options.exclusive && file !== ':memory:' ? takeLock(`${path.resolve(file)}.lock`) : undefined;
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives an application crash; only an OS crash can lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    moveVersion0Events(this.db);
    this.db.exec(SCHEMA);
    upgrade(this.db);
    const db = this.db;
    const addTotals = TOTAL_COLUMNS.map((c) => `${c} = ${c} + @${c}`).join(', ');
    this.st = {
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING'),
      projectCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM projects'),
      projectByName: db.prepare<[string], { id: string }>('SELECT id FROM projects WHERE name = ?'),
      insertProject: db.prepare('INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)'),
      keyByHash: db.prepare<[string], { key_hash: string; project_id: string }>('SELECT key_hash, project_id FROM api_keys WHERE key_hash = ?'),
      insertKey: db.prepare('INSERT INTO api_keys (key_hash, project_id, created_at) VALUES (?, ?, ?) ON CONFLICT(key_hash) DO NOTHING'),
      deleteKey: db.prepare('DELETE FROM api_keys WHERE key_hash = ?'),
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
                      WHEN @merge_tags THEN (SELECT json_group_array(value) FROM (SELECT value FROM json_each(sessions.tags) UNION SELECT value FROM json_each(excluded.tags) ORDER BY 1))
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
      addSessionTotals: db.prepare(`UPDATE sessions SET ${addTotals},
        models = CASE WHEN @models = '[]' THEN models ELSE (SELECT json_group_array(value) FROM (SELECT value FROM json_each(sessions.models)
                 UNION SELECT value FROM json_each(@models) ORDER BY 1 LIMIT ${MODELS_PER_SESSION})) END
        WHERE project_id = @project_id AND session_id = @session_id`),
      project: db.prepare<[string], { id: string; name: string }>('SELECT id, name FROM projects WHERE id = ?'),
      indexEvent: db.prepare('INSERT INTO events_fts (rowid, words) VALUES (?, ?)'),
      searchSession: db.prepare<[string, string, string], { id: string }>(
        `SELECT e.id FROM events_fts JOIN events e ON e.rowid = events_fts.rowid
         WHERE events_fts MATCH ? AND e.project_id = ? AND e.session_id = ? ORDER BY e.init_timestamp, e.id LIMIT 1000`,
      ),
      addDayUsage: db.prepare(`
        INSERT INTO daily_usage (project_id, day, model, calls, unpriced, cost, prompt_tokens, completion_tokens, latency)
        VALUES (@project_id, @day, @model, @calls, @unpriced, @cost, @prompt_tokens, @completion_tokens, @latency)
        ON CONFLICT(project_id, day, model) DO UPDATE SET calls = calls + excluded.calls, unpriced = unpriced + excluded.unpriced,
          cost = cost + excluded.cost, prompt_tokens = prompt_tokens + excluded.prompt_tokens, completion_tokens = completion_tokens + excluded.completion_tokens,
          latency = CASE WHEN json_array_length(daily_usage.latency) = 0 THEN excluded.latency
                         ELSE (SELECT json_group_array(a.value + b.value ORDER BY a.key) FROM json_each(daily_usage.latency) a JOIN json_each(excluded.latency) b ON a.key = b.key) END`),
      sessionStart: db.prepare<[string, string], { init_timestamp: string }>('SELECT init_timestamp FROM sessions WHERE project_id = ? AND session_id = ?'),
      addActivity: db.prepare(`
        INSERT INTO daily_activity (project_id, day, sessions, events, errors) VALUES (@project_id, @day, @sessions, @events, @errors)
        ON CONFLICT(project_id, day) DO UPDATE SET sessions = sessions + excluded.sessions, events = events + excluded.events, errors = errors + excluded.errors`),
      upsertAgent: db.prepare(`
        INSERT INTO agents (project_id, id, session_id, name) VALUES (?, ?, ?, ?)
        ON CONFLICT(project_id, id) DO UPDATE SET name = excluded.name`),
      getSession: db.prepare<[string, string], Record<string, unknown>>('SELECT * FROM sessions WHERE project_id = ? AND session_id = ?'),
      eventsPage: db.prepare<[string, string, string, string, string, number], { data: string; init_timestamp: string; id: string }>(
        // A row-value comparison, so the page is a range of the (project, session, type, time, id) index.
        `SELECT data, init_timestamp, id FROM events WHERE project_id = ? AND session_id = ? AND event_type = ?
           AND (init_timestamp, id) > (?, ?) ORDER BY init_timestamp, id LIMIT ?`,
      ),
      getEvent: db.prepare<[string, string, string], { data: string }>('SELECT data FROM events WHERE project_id = ? AND session_id = ? AND id = ?'),
      agents: db.prepare<[string, string], { id: string; name: string }>('SELECT id, name FROM agents WHERE project_id = ? AND session_id = ?'),
      overviewUsage: db.prepare<[string, string], Record<string, unknown>>(
        'SELECT day, model, calls, unpriced, cost, prompt_tokens, completion_tokens, latency FROM daily_usage WHERE project_id = ? AND day >= ?',
      ),
      overviewActivity: db.prepare<[string, string], Record<string, unknown>>('SELECT day, sessions, events, errors FROM daily_activity WHERE project_id = ? AND day >= ?'),
    };
  }

  async close(): Promise<void> {
    this.db.close();
    if (this.lockFile) releaseLock(this.lockFile);
  }

  unavailableCode(error: unknown): string | undefined {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' && UNAVAILABLE.has(code) ? code : undefined;
  }

  /** A value kept across restarts, created by `make` the first time. */
  private meta(key: string, make: () => string): string {
    const row = this.st.getMeta.get(key);
    if (row) return row.value;
    this.st.setMeta.run(key, make());
    return this.st.getMeta.get(key)!.value;
  }

  async jwtSecret(): Promise<Uint8Array> {
    return Buffer.from(this.meta('jwt_secret', () => randomBytes(32).toString('hex')), 'hex');
  }

  async projectCount(): Promise<number> {
    return this.st.projectCount.get()!.n;
  }

  async addApiKey(apiKey: string, projectName = 'default'): Promise<string> {
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

  /** Constant-time on the hash, so timing tells nothing about stored keys. */
  async projectForKey(apiKey: string): Promise<string | undefined> {
    const hash = hashApiKey(apiKey);
    const row = this.st.keyByHash.get(hash);
    if (!row) return undefined;
    return timingSafeEqual(Buffer.from(row.key_hash, 'hex'), Buffer.from(hash, 'hex')) ? row.project_id : undefined;
  }

  async keyHashBelongs(keyHash: string, projectId: string): Promise<boolean> {
    return this.st.keyByHash.get(keyHash)?.project_id === projectId;
  }

  async deleteApiKey(apiKey: string): Promise<boolean> {
    return this.st.deleteKey.run(hashApiKey(apiKey)).changes > 0;
  }

  async project(projectId: string): Promise<{ id: string; name: string } | undefined> {
    return this.st.project.get(projectId);
  }

  async sessionOwner(sessionId: string): Promise<string | undefined> {
    return this.st.sessionOwner.get(sessionId)?.project_id;
  }

  async write(projectId: string, batch: WriteBatch, options: WriteOptions = {}): Promise<number> {
    const sessions = batch.sessions ?? [];
    const events = batch.events ?? [];
    return this.db.transaction(() => {
      // Sessions first, each once in id order; events may name sessions the store has not seen yet (OTLP).
      const starts: Array<{ before: string | undefined; after: string }> = [];
      for (const { id, firstEvent } of touchedSessions(sessions, events)) {
        const before = this.st.sessionStart.get(projectId, id)?.init_timestamp;
        for (const s of sessions) {
          if (s.session_id !== id) continue;
          const p = sessionParams(projectId, s, options.joinTags === true);
          this.st.upsertSession.run({ ...p, tags: JSON.stringify(p.tags), is_inherited: +p.is_inherited, has_tags: +p.has_tags, merge_tags: +p.merge_tags });
        }
        if (firstEvent !== undefined) this.st.ensureSession.run(projectId, id, firstEvent);
        starts.push({ before, after: this.st.sessionStart.get(projectId, id)!.init_timestamp });
      }
      const inserted: EventColumns[] = [];
      for (const row of sortedEventColumns(events)) {
        const r = this.st.insertEvent.run(projectId, ...row);
        if (r.changes === 0) continue;
        inserted.push(row);
        const words = searchText(eventOfColumns.get(row)!);
        if (words) this.st.indexEvent.run(r.lastInsertRowid, words);
      }
      const usage = usageOf(inserted);
      for (const [sessionId, totals] of usage.sessions) {
        this.st.addSessionTotals.run({ project_id: projectId, session_id: sessionId, ...totals, models: JSON.stringify([...totals.models]) });
      }
      for (const d of usage.days) this.st.addDayUsage.run({ project_id: projectId, ...d, latency: JSON.stringify(d.latency) });
      for (const a of activityOf(starts, inserted)) this.st.addActivity.run({ project_id: projectId, ...a });
      for (const a of batch.agents ?? []) this.st.upsertAgent.run(projectId, a.id, a.session_id, a.name);
      return inserted.length;
    })();
  }

  async getSession(projectId: string, sessionId: string): Promise<StoredSession | undefined> {
    const row = this.st.getSession.get(projectId, sessionId);
    return row ? rowToSession(row) : undefined;
  }

  async stats(projectId: string, sessionId: string): Promise<SessionStats | undefined> {
    const row = this.st.getSession.get(projectId, sessionId);
    return row ? statsFromRow(row) : undefined;
  }

  async exportSessionJson(projectId: string, sessionId: string, options: ExportOptions = {}): Promise<AsyncIterable<string> | undefined> {
    const row = this.st.getSession.get(projectId, sessionId);
    if (!row) return undefined;
    const page = this.st.eventsPage;
    return exportChunks(
      { session: rowToSession(row), stats: statsFromRow(row), agents: this.st.agents.all(projectId, sessionId) },
      async (type, t, id, limit) => page.all(projectId, sessionId, type, t, id, limit),
      options,
    );
  }

  async getEvent(projectId: string, sessionId: string, eventId: string): Promise<string | undefined> {
    return this.st.getEvent.get(projectId, sessionId, eventId)?.data;
  }

  async overview(projectId: string, since: Date): Promise<Overview> {
    const from = overviewFrom(since);
    return overviewOf(from, this.st.overviewUsage.all(projectId, from), this.st.overviewActivity.all(projectId, from));
  }

  async searchSession(projectId: string, sessionId: string, search: string): Promise<string[]> {
    const match = ftsQuery(search);
    return match ? this.st.searchSession.all(match, projectId, sessionId).map((r) => r.id) : [];
  }

  async listSessions(projectId: string, q: SessionQuery): Promise<SessionListItem[]> {
    const where = ['s.project_id = @project'];
    const match = q.search === undefined ? undefined : ftsQuery(q.search);
    const matching = `SELECT e.session_id FROM events_fts JOIN events e ON e.rowid = events_fts.rowid WHERE events_fts MATCH @match AND e.project_id = @project`;
    if (q.search !== undefined) {
      const tagHit = "EXISTS (SELECT 1 FROM json_each(s.tags) WHERE instr(lower(value), lower(@search)) > 0)";
      where.push(match ? `(s.session_id IN (${matching}) OR ${tagHit})` : tagHit);
    }
    if (q.model !== undefined) where.push('EXISTS (SELECT 1 FROM json_each(s.models) WHERE value = @model)');
    if (q.agent !== undefined) where.push('EXISTS (SELECT 1 FROM agents a WHERE a.project_id = s.project_id AND a.session_id = s.session_id AND a.name = @agent)');
    if (q.hasErrors !== undefined) where.push(q.hasErrors ? 's.errors > 0' : 's.errors = 0');
    if (q.minCost !== undefined) where.push('s.cost >= @minCost');
    if (q.maxCost !== undefined) where.push('s.cost <= @maxCost');
    if (q.tag !== undefined) where.push('EXISTS (SELECT 1 FROM json_each(s.tags) WHERE value = @tag)');
    if (q.endState !== undefined) where.push(q.endState === 'Running' ? 's.end_timestamp IS NULL' : 's.end_timestamp IS NOT NULL AND s.end_state = @endState');
    if (q.before !== undefined) {
      where.push(q.beforeId !== undefined ? '(s.init_timestamp < @before OR (s.init_timestamp = @before AND s.session_id < @beforeId))' : 's.init_timestamp < @before');
    }
    if (q.after !== undefined) where.push('s.init_timestamp >= @after');
    const firstMatch = match
      ? `, (SELECT e.id FROM events_fts JOIN events e ON e.rowid = events_fts.rowid WHERE events_fts MATCH @match AND e.project_id = s.project_id
             AND e.session_id = s.session_id ORDER BY e.init_timestamp, e.id LIMIT 1) AS match_event_id`
      : '';
    const rows = this.db
      .prepare(`SELECT s.*${firstMatch} FROM sessions s WHERE ${where.join(' AND ')} ORDER BY s.init_timestamp DESC, s.session_id DESC LIMIT @limit`)
      .all({
        project: projectId,
        tag: q.tag,
        endState: q.endState,
        before: q.before,
        beforeId: q.beforeId,
        after: q.after,
        limit: q.limit,
        model: q.model,
        agent: q.agent,
        minCost: q.minCost,
        maxCost: q.maxCost,
        search: q.search,
        match,
      }) as Record<string, unknown>[];
    return rows.map(listItemFromRow);
  }
}
