import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import type { SessionStats } from '@agentops/model';
import {
  exportChunks,
  hashApiKey,
  listItemFromRow,
  overviewFrom,
  overviewOf,
  activityOf,
  eventOfColumns,
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

/** The key of the advisory lock replicas take to migrate: the first one migrates, the others wait, then skip. */
const MIGRATION_LOCK = 0x6167_6f70; // "agop"

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The numbered SQL files of `migrations/postgres/` in this package, in order. */
function migrations(): Migration[] {
  const root = path.dirname(createRequire(import.meta.url).resolve('@agentops/server/package.json'));
  const dir = path.join(root, 'migrations', 'postgres');
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .map((f) => ({ version: Number.parseInt(f, 10), name: f.slice(0, -4), sql: readFileSync(path.join(dir, f), 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/** SQLSTATE classes of a database that is down, starting, full or read-only: the client retries later. */
const UNAVAILABLE_CLASSES = ['08', '53', '57', '58'];
const UNAVAILABLE_CODES = new Set(['25006', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** Conflicts between concurrent transactions: the transaction is run again (ids are sorted, so they are rare). */
const RETRY_CODES = new Set(['40001', '40P01', 'AGENTOPS_RACED_NEW_SESSION']);

const SESSION_UPSERT = `
  INSERT INTO sessions AS s (project_id, session_id, init_timestamp, end_timestamp, end_state, end_state_reason, tags, host_env, video)
  VALUES ($1, $2, COALESCE($3::text, $4::text), $5::text, $6, $7, $8::text[], $9, $10)
  ON CONFLICT (project_id, session_id) DO UPDATE SET
    init_timestamp = CASE WHEN $3::text IS NULL THEN s.init_timestamp ELSE LEAST(s.init_timestamp, $3::text) END,
    end_state = CASE WHEN $5::text IS NULL OR $11 THEN s.end_state
                     WHEN s.end_timestamp IS NULL OR $5::text >= s.end_timestamp THEN excluded.end_state
                     ELSE s.end_state END,
    end_state_reason = CASE WHEN $5::text IS NULL OR $11 THEN s.end_state_reason
                            WHEN s.end_timestamp IS NULL OR $5::text >= s.end_timestamp THEN excluded.end_state_reason
                            ELSE s.end_state_reason END,
    end_timestamp = CASE WHEN $5::text IS NULL OR $11 THEN s.end_timestamp
                         WHEN s.end_timestamp IS NULL THEN $5::text
                         ELSE GREATEST(s.end_timestamp, $5::text) END,
    tags = CASE WHEN NOT $12 THEN s.tags
                WHEN $13 THEN ARRAY(SELECT DISTINCT t FROM unnest(s.tags || excluded.tags) AS t ORDER BY t)
                ELSE excluded.tags END,
    host_env = CASE WHEN $11 THEN COALESCE(s.host_env, excluded.host_env) ELSE COALESCE(excluded.host_env, s.host_env) END,
    video = COALESCE(excluded.video, s.video)
  RETURNING s.init_timestamp, (s.xmax = 0) AS inserted`;

const SESSION_ENSURE = `
  INSERT INTO sessions AS s (project_id, session_id, init_timestamp) VALUES ($1, $2, $3)
  ON CONFLICT (project_id, session_id) DO UPDATE SET init_timestamp = LEAST(s.init_timestamp, excluded.init_timestamp)
  RETURNING s.init_timestamp, (s.xmax = 0) AS inserted`;

const ACTIVITY_ADD = `
  INSERT INTO daily_activity AS d (project_id, day, sessions, events, errors) SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
  ON CONFLICT (project_id, day) DO UPDATE SET sessions = d.sessions + excluded.sessions, events = d.events + excluded.events, errors = d.errors + excluded.errors`;

/**
 * A session another transaction made between this one's look and its insert: the day count needs its start as
 * committed, so the transaction is run again (it then finds the row). Rare: two first writes of one session at once.
 */
const RACED_NEW_SESSION = 'AGENTOPS_RACED_NEW_SESSION';

const EVENT_INSERT = `
  INSERT INTO events (project_id, id, session_id, event_type, init_timestamp, end_timestamp, agent_id, model, cost,
                      prompt_tokens, completion_tokens, cache_read_tokens, reasoning_tokens, data)
  SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[],
                           $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::text[])
  ON CONFLICT DO NOTHING RETURNING session_id, id`;

const TOTALS_ADD = `
  UPDATE sessions AS s SET ${TOTAL_COLUMNS.map((c) => `${c} = s.${c} + d.${c}`).join(', ')},
    models = CASE WHEN d.models = '[]' THEN s.models
                  ELSE ARRAY(SELECT DISTINCT m FROM unnest(s.models || ARRAY(SELECT json_array_elements_text(d.models::json))) AS m ORDER BY m LIMIT ${MODELS_PER_SESSION}) END
  FROM unnest($2::text[], $3::text[], ${TOTAL_COLUMNS.map((c, i) => `$${i + 4}::${c === 'cost' ? 'float8' : 'bigint'}[]`).join(', ')})
       AS d(session_id, models, ${TOTAL_COLUMNS.join(', ')})
  WHERE s.project_id = $1 AND s.session_id = d.session_id`;

const DAY_USAGE_ADD = `
  INSERT INTO daily_usage AS u (project_id, day, model, calls, unpriced, cost, prompt_tokens, completion_tokens, latency)
  SELECT $1, x.day, x.model, x.calls, x.unpriced, x.cost, x.prompt_tokens, x.completion_tokens,
         ARRAY(SELECT json_array_elements_text(x.latency::json)::bigint)
  FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::float8[], $7::bigint[], $8::bigint[], $9::text[])
       AS x(day, model, calls, unpriced, cost, prompt_tokens, completion_tokens, latency)
  ON CONFLICT (project_id, day, model) DO UPDATE SET calls = u.calls + excluded.calls, unpriced = u.unpriced + excluded.unpriced,
    cost = u.cost + excluded.cost, prompt_tokens = u.prompt_tokens + excluded.prompt_tokens,
    completion_tokens = u.completion_tokens + excluded.completion_tokens,
    latency = ARRAY(SELECT COALESCE(a, 0) + COALESCE(b, 0) FROM unnest(u.latency, excluded.latency) AS t(a, b))`;

const SEARCH_INSERT = `
  INSERT INTO event_search (project_id, session_id, event_id, init_timestamp, words)
  SELECT $1, x.session_id, x.event_id, x.init_timestamp, to_tsvector('simple', x.words)
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS x(session_id, event_id, init_timestamp, words)
  ON CONFLICT DO NOTHING`;

/** A tsquery that every word must match; the words are letters and digits only, so nothing else reaches it. */
const tsQuery = (search: string) => searchWords(search).join(' & ');

const AGENT_UPSERT = `
  INSERT INTO agents AS a (project_id, id, session_id, name) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])
  ON CONFLICT (project_id, id) DO UPDATE SET name = excluded.name`;

export interface PostgresStoreOptions {
  /** Connections of this server's pool. Default 10. */
  poolSize?: number;
  /** Called once for each migration this server applied (none when another replica already did). */
  onMigration?: (name: string) => void;
}

/**
 * The store for several server replicas on one PostgreSQL database. Each request is one transaction
 * acknowledged after its commit; every transaction locks sessions, events, usage rows and agents in sorted
 * order, so concurrent replicas do not deadlock. The JWT secret and the keys live in the database, so a token
 * made by one replica is good on all of them.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres';

  private constructor(readonly pool: pg.Pool) {}

  /** Connects, runs the migrations this database lacks under an advisory lock, and returns the store. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      application_name: 'agentops-server',
    });
    // An idle connection the database drops must not take the process down; the next query reconnects.
    pool.on('error', () => {});
    const store = new PostgresStore(pool);
    try {
      await store.migrate(options.onMigration ?? (() => {}));
    } catch (e) {
      await pool.end().catch(() => {});
      throw e;
    }
    return store;
  }

  private async migrate(onMigration: (name: string) => void): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await client.query(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
        );
        const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
        for (const m of migrations()) {
          if (done.has(m.version)) continue;
          await client.query('BEGIN');
          try {
            await client.query(m.sql);
            await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
            await client.query('COMMIT');
          } catch (e) {
            await client.query('ROLLBACK');
            throw new Error(`migration ${m.name} failed: ${(e as Error).message}`);
          }
          onMigration(m.name);
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  /** `fn` in one transaction, run again on a serialization failure or deadlock. */
  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        if (attempt < 5 && RETRY_CODES.has(String((e as { code?: unknown }).code))) continue;
        throw e;
      } finally {
        client.release(broken);
      }
    }
  }

  private async one<T extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<T | undefined> {
    return (await this.pool.query<T>(sql, params)).rows[0];
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  unavailableCode(error: unknown): string | undefined {
    const e = error as { code?: unknown; message?: unknown } | null;
    const code = typeof e?.code === 'string' ? e.code : undefined;
    if (code && (UNAVAILABLE_CODES.has(code) || (code.length === 5 && UNAVAILABLE_CLASSES.includes(code.slice(0, 2))))) return code;
    // The driver's own errors for a connection that broke or could not be made carry no code.
    const message = typeof e?.message === 'string' ? e.message : '';
    if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is/i.test(message)) {
      return 'PG_CONNECTION';
    }
    return undefined;
  }

  async jwtSecret(): Promise<Uint8Array> {
    await this.pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', ['jwt_secret', randomBytes(32).toString('hex')]);
    const row = await this.one<{ value: string }>('SELECT value FROM meta WHERE key = $1', ['jwt_secret']);
    return Buffer.from(row!.value, 'hex');
  }

  async projectCount(): Promise<number> {
    return Number((await this.one<{ n: string }>('SELECT COUNT(*) AS n FROM projects', []))!.n);
  }

  async addApiKey(apiKey: string, projectName = 'default'): Promise<string> {
    return this.transaction(async (c) => {
      await c.query('INSERT INTO projects (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING', [randomUUID(), projectName, new Date().toISOString()]);
      const project = (await c.query<{ id: string }>('SELECT id FROM projects WHERE name = $1', [projectName])).rows[0].id;
      const hash = hashApiKey(apiKey);
      const existing = (await c.query<{ project_id: string }>('SELECT project_id FROM api_keys WHERE key_hash = $1', [hash])).rows[0];
      if (existing && existing.project_id !== project) throw new Error(`API key ${apiKey.slice(0, 8)}… already belongs to another project`);
      await c.query('INSERT INTO api_keys (key_hash, project_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (key_hash) DO NOTHING', [hash, project, new Date().toISOString()]);
      return project;
    });
  }

  async projectForKey(apiKey: string): Promise<string | undefined> {
    return (await this.one<{ project_id: string }>('SELECT project_id FROM api_keys WHERE key_hash = $1', [hashApiKey(apiKey)]))?.project_id;
  }

  async keyHashBelongs(keyHash: string, projectId: string): Promise<boolean> {
    return (await this.one('SELECT 1 FROM api_keys WHERE key_hash = $1 AND project_id = $2', [keyHash, projectId])) !== undefined;
  }

  async deleteApiKey(apiKey: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM api_keys WHERE key_hash = $1', [hashApiKey(apiKey)])).rowCount ?? 0) > 0;
  }

  async project(projectId: string): Promise<{ id: string; name: string } | undefined> {
    return this.one<{ id: string; name: string }>('SELECT id, name FROM projects WHERE id = $1', [projectId]);
  }

  async sessionOwner(sessionId: string): Promise<string | undefined> {
    return (await this.one<{ project_id: string }>('SELECT project_id FROM sessions WHERE session_id = $1 LIMIT 1', [sessionId]))?.project_id;
  }

  async write(projectId: string, batch: WriteBatch, options: WriteOptions = {}): Promise<number> {
    const sessions = batch.sessions ?? [];
    const events = batch.events ?? [];
    const rows = sortedEventColumns(events);
    const agents = [...new Map((batch.agents ?? []).map((a) => [a.id, a])).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return this.transaction(async (c) => {
      const starts: Array<{ before: string | undefined; after: string }> = [];
      for (const { id, firstEvent } of touchedSessions(sessions, events)) {
        // Locked in id order before any change, so the start it had is known for the per-day session count.
        const before = (await c.query<{ init_timestamp: string }>('SELECT init_timestamp FROM sessions WHERE project_id = $1 AND session_id = $2 FOR UPDATE', [projectId, id]))
          .rows[0]?.init_timestamp;
        let after: { init_timestamp: string; inserted: boolean } | undefined;
        const apply = async (sql: string, params: unknown[]) => {
          const row = (await c.query<{ init_timestamp: string; inserted: boolean }>(sql, params)).rows[0];
          // The first statement on a session that was not there must have made it; else another transaction did.
          if (after === undefined && before === undefined && !row.inserted) throw Object.assign(new Error('session made concurrently'), { code: RACED_NEW_SESSION });
          after = row;
        };
        for (const s of sessions) {
          if (s.session_id !== id) continue;
          const p = sessionParams(projectId, s, options.joinTags === true);
          await apply(SESSION_UPSERT, [
            p.project_id, p.session_id, p.init_timestamp, p.now, p.end_timestamp, p.end_state, p.end_state_reason,
            p.tags, p.host_env, p.video, p.is_inherited, p.has_tags, p.merge_tags,
          ]);
        }
        if (firstEvent !== undefined) await apply(SESSION_ENSURE, [projectId, id, firstEvent]);
        starts.push({ before, after: after!.init_timestamp });
      }
      let inserted: EventColumns[] = [];
      if (rows.length > 0) {
        const columns = rows[0].map((_, i) => rows.map((r) => r[i]));
        const result = await c.query<{ session_id: string; id: string }>(EVENT_INSERT, [projectId, ...columns]);
        if (result.rows.length === rows.length) inserted = rows;
        else {
          const byKey = new Map(rows.map((r) => [`${r[1]}\u0000${r[0]}`, r]));
          inserted = result.rows.map((r) => byKey.get(`${r.session_id}\u0000${r.id}`)!);
        }
      }
      const indexed = inserted.map((r) => [r, searchText(eventOfColumns.get(r)!)] as const).filter(([, w]) => w);
      if (indexed.length > 0) {
        await c.query(SEARCH_INSERT, [projectId, indexed.map(([r]) => r[1]), indexed.map(([r]) => r[0]), indexed.map(([r]) => r[3]), indexed.map(([, w]) => w)]);
      }
      const usage = usageOf(inserted);
      if (usage.sessions.length > 0) {
        await c.query(TOTALS_ADD, [
          projectId,
          usage.sessions.map(([id]) => id),
          usage.sessions.map(([, t]) => JSON.stringify([...t.models])),
          ...TOTAL_COLUMNS.map((k) => usage.sessions.map(([, t]) => t[k])),
        ]);
      }
      if (usage.days.length > 0) {
        const d = usage.days;
        await c.query(DAY_USAGE_ADD, [
          projectId, d.map((u) => u.day), d.map((u) => u.model), d.map((u) => u.calls), d.map((u) => u.unpriced),
          d.map((u) => u.cost), d.map((u) => u.prompt_tokens), d.map((u) => u.completion_tokens), d.map((u) => JSON.stringify(u.latency)),
        ]);
      }
      const activity = activityOf(starts, inserted);
      if (activity.length > 0) {
        await c.query(ACTIVITY_ADD, [projectId, activity.map((a) => a.day), activity.map((a) => a.sessions), activity.map((a) => a.events), activity.map((a) => a.errors)]);
      }
      if (agents.length > 0) await c.query(AGENT_UPSERT, [projectId, agents.map((a) => a.id), agents.map((a) => a.session_id), agents.map((a) => a.name)]);
      return inserted.length;
    });
  }

  private sessionRow(projectId: string, sessionId: string) {
    return this.one<Record<string, unknown>>('SELECT * FROM sessions WHERE project_id = $1 AND session_id = $2', [projectId, sessionId]);
  }

  async getSession(projectId: string, sessionId: string): Promise<StoredSession | undefined> {
    const row = await this.sessionRow(projectId, sessionId);
    return row ? rowToSession(row) : undefined;
  }

  async stats(projectId: string, sessionId: string): Promise<SessionStats | undefined> {
    const row = await this.sessionRow(projectId, sessionId);
    return row ? statsFromRow(row) : undefined;
  }

  async exportSessionJson(projectId: string, sessionId: string, options: ExportOptions = {}): Promise<AsyncIterable<string> | undefined> {
    const row = await this.sessionRow(projectId, sessionId);
    if (!row) return undefined;
    const agents = (await this.pool.query('SELECT id, name FROM agents WHERE project_id = $1 AND session_id = $2', [projectId, sessionId])).rows;
    return exportChunks(
      { session: rowToSession(row), stats: statsFromRow(row), agents },
      async (type, t, id, limit) =>
        (
          await this.pool.query<{ data: string; init_timestamp: string; id: string }>(
            `SELECT data, init_timestamp, id FROM events WHERE project_id = $1 AND session_id = $2 AND event_type = $3
               AND (init_timestamp, id) > ($4::text, $5::text) ORDER BY init_timestamp, id LIMIT $6`,
            [projectId, sessionId, type, t, id, limit],
          )
        ).rows,
      options,
    );
  }

  async getEvent(projectId: string, sessionId: string, eventId: string): Promise<string | undefined> {
    return (await this.one<{ data: string }>('SELECT data FROM events WHERE project_id = $1 AND session_id = $2 AND id = $3', [projectId, sessionId, eventId]))?.data;
  }

  async overview(projectId: string, since: Date): Promise<Overview> {
    const from = overviewFrom(since);
    const [usage, activity] = await Promise.all([
      this.pool.query(
        'SELECT day, model, calls, unpriced, cost, prompt_tokens, completion_tokens, latency FROM daily_usage WHERE project_id = $1 AND day >= $2',
        [projectId, from],
      ),
      this.pool.query('SELECT day, sessions, events, errors FROM daily_activity WHERE project_id = $1 AND day >= $2', [projectId, from]),
    ]);
    return overviewOf(from, usage.rows, activity.rows);
  }

  async searchSession(projectId: string, sessionId: string, search: string): Promise<string[]> {
    const query = tsQuery(search);
    if (!query) return [];
    return (
      await this.pool.query<{ event_id: string }>(
        `SELECT event_id FROM event_search WHERE project_id = $1 AND session_id = $2 AND words @@ to_tsquery('simple', $3)
         ORDER BY init_timestamp, event_id LIMIT 1000`,
        [projectId, sessionId, query],
      )
    ).rows.map((r) => r.event_id);
  }

  async listSessions(projectId: string, q: SessionQuery): Promise<SessionListItem[]> {
    const params: unknown[] = [projectId];
    const p = (v: unknown) => `$${params.push(v)}`;
    const where = ['s.project_id = $1'];
    const query = q.search === undefined ? '' : tsQuery(q.search);
    let firstMatch = '';
    if (q.search !== undefined) {
      const tagHit = `EXISTS (SELECT 1 FROM unnest(s.tags) AS t WHERE position(lower(${p(q.search)}::text) in lower(t)) > 0)`;
      if (query) {
        const tq = p(query);
        where.push(`(s.session_id IN (SELECT session_id FROM event_search WHERE project_id = $1 AND words @@ to_tsquery('simple', ${tq})) OR ${tagHit})`);
        firstMatch = `, (SELECT event_id FROM event_search x WHERE x.project_id = s.project_id AND x.session_id = s.session_id
                          AND x.words @@ to_tsquery('simple', ${tq}) ORDER BY x.init_timestamp, x.event_id LIMIT 1) AS match_event_id`;
      } else where.push(tagHit);
    }
    if (q.model !== undefined) where.push(`s.models @> ARRAY[${p(q.model)}::text]`);
    if (q.agent !== undefined) where.push(`EXISTS (SELECT 1 FROM agents a WHERE a.project_id = s.project_id AND a.session_id = s.session_id AND a.name = ${p(q.agent)})`);
    if (q.hasErrors !== undefined) where.push(q.hasErrors ? 's.errors > 0' : 's.errors = 0');
    if (q.minCost !== undefined) where.push(`s.cost >= ${p(q.minCost)}`);
    if (q.maxCost !== undefined) where.push(`s.cost <= ${p(q.maxCost)}`);
    if (q.tag !== undefined) where.push(`s.tags @> ARRAY[${p(q.tag)}::text]`);
    if (q.endState !== undefined) where.push(q.endState === 'Running' ? 's.end_timestamp IS NULL' : `s.end_timestamp IS NOT NULL AND s.end_state = ${p(q.endState)}`);
    if (q.before !== undefined) {
      const before = p(q.before);
      where.push(q.beforeId !== undefined ? `(s.init_timestamp, s.session_id) < (${before}::text, ${p(q.beforeId)}::text)` : `s.init_timestamp < ${before}::text`);
    }
    if (q.after !== undefined) where.push(`s.init_timestamp >= ${p(q.after)}::text`);
    const rows = (await this.pool.query(`SELECT s.*${firstMatch} FROM sessions s WHERE ${where.join(' AND ')} ORDER BY s.init_timestamp DESC, s.session_id DESC LIMIT ${p(q.limit)}`, params))
      .rows;
    return rows.map(listItemFromRow);
  }
}
