import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { PostgresStore, SqliteStore, type Store } from '../src/store/index.js';
import { freshDatabase, STORES } from '../../../test/helpers/postgres.js';

const KEY = randomUUID();
const SESSION = randomUUID();

const SQLISH = fc.constantFrom("'; DROP TABLE events; --", '" OR 1=1 --', 'Robert\'); DELETE FROM sessions;--', '\u0000', '\ud800', '💥'.repeat(50));
const hostileString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), SQLISH, fc.string({ minLength: 1000, maxLength: 5000 }));
const hostileNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER * 1024, -0, 0.1));
const hostile = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null), fc.anything({ maxDepth: 4 }));
/** JSON nested `depth` deep. */
const deep = fc.integer({ min: 50, max: 3000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));

const sessionLike = fc.record(
  {
    session_id: fc.oneof(fc.uuid(), hostile),
    init_timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), hostile),
    end_timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), hostile),
    end_state: fc.oneof(fc.constantFrom('Success', 'Failure', 'Indeterminate', 'Fail'), hostile),
    end_state_reason: hostile,
    tags: fc.oneof(fc.array(hostileString, { maxLength: 20 }), hostile),
    host_env: hostile,
    video: hostile,
  },
  { requiredKeys: [] },
);
const eventLike = fc.record(
  {
    id: fc.oneof(fc.uuid(), hostile),
    event_type: fc.oneof(fc.constantFrom('llms', 'actions', 'tools', 'errors'), hostile),
    session_id: fc.oneof(fc.constant(SESSION), fc.uuid(), hostile),
    init_timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), hostile),
    end_timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), hostile),
    model: hostile,
    prompt_tokens: hostileNumber,
    completion_tokens: hostileNumber,
    cost: hostileNumber,
    params: hostile,
    returns: hostile,
    prompt: hostile,
  },
  { requiredKeys: [] },
);

/** A body: JSON of a plausible shape with hostile fields, any JSON, deep nesting, truncated JSON, or raw bytes. */
const body = (plausible: fc.Arbitrary<unknown>) =>
  fc.oneof(
    plausible.map((v) => JSON.stringify(v)),
    fc.anything().map((v) => JSON.stringify(v) ?? 'null'),
    deep,
    plausible.map((v) => JSON.stringify(v).slice(0, -3)),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  );

const headers = fc.constantFrom('key', 'jwt', 'bad-key', 'none', 'garbage-jwt');

const ENDPOINTS: Array<[string, fc.Arbitrary<unknown>, string?]> = [
  ['/v2/create_session', fc.record({ session: sessionLike })],
  ['/v2/update_session', fc.record({ session: sessionLike })],
  ['/v2/create_events', fc.record({ events: fc.array(eventLike, { maxLength: 30 }) })],
  ['/v2/create_agent', fc.record({ id: hostile, name: hostile })],
  ['/v2/reauthorize_jwt', fc.record({ session_id: fc.oneof(fc.uuid(), hostile) })],
  ['/v3/auth/token', fc.record({ api_key: fc.oneof(fc.constant(KEY), hostile) })],
  ['/v1/traces', fc.record({ resourceSpans: fc.array(fc.record({ scopeSpans: fc.array(fc.record({ spans: fc.array(fc.anything({ maxDepth: 3 })) })) })) })],
  ['/v1/traces', fc.record({ resourceSpans: hostile }), 'application/x-protobuf'],
];

/** The rows every store must never leave behind: events without their session, data that is not JSON. */
async function consistency(store: Store): Promise<{ orphans: number; badJson: number; tables: number }> {
  const orphanSql = 'SELECT COUNT(*) AS n FROM events e WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.project_id = e.project_id AND s.session_id = e.session_id)';
  const bad = (rows: Iterable<{ data: string }>) => {
    let n = 0;
    for (const r of rows) {
      try {
        JSON.parse(r.data);
      } catch {
        n++;
      }
    }
    return n;
  };
  if (store instanceof SqliteStore) {
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    return {
      orphans: (store.db.prepare(orphanSql).get() as { n: number }).n,
      badJson: bad(store.db.prepare('SELECT data FROM events').iterate() as Iterable<{ data: string }>),
      tables: store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('events', 'sessions')").all().length,
    };
  }
  const pool = (store as PostgresStore).pool;
  return {
    orphans: Number((await pool.query(orphanSql)).rows[0].n),
    badJson: bad((await pool.query('SELECT data FROM events')).rows),
    tables: Number((await pool.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name IN ('events', 'sessions')")).rows[0].n),
  };
}

describe.each(STORES)('%s store: thousands of malformed and hostile bodies at every endpoint', (kind) => {
  let app: FastifyInstance;
  let store: Store;
  let jwt: string;
  beforeAll(async () => {
    const db = kind === 'sqlite' ? path.join(mkdtempSync(path.join(tmpdir(), 'agentops-fuzz-')), 'fuzz.db') : await freshDatabase();
    ({ app, store } = await buildApp({ db, bodyLimit: 256 * 1024 }));
    await store.addApiKey(KEY, 'fuzz');
    jwt = (
      await app.inject({ method: 'POST', url: '/v2/create_session', headers: { 'x-agentops-api-key': KEY }, payload: { session: { session_id: SESSION } } })
    ).json().jwt;
  });
  afterAll(() => app.close());

  function auth(kind: string): Record<string, string> {
    switch (kind) {
      case 'key':
        return { 'x-agentops-api-key': KEY };
      case 'jwt':
        return { authorization: `Bearer ${jwt}` };
      case 'bad-key':
        return { 'x-agentops-api-key': "' OR 1=1 --" };
      case 'garbage-jwt':
        return { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJwcm9qZWN0X2lkIjoieCJ9.' };
      default:
        return {};
    }
  }

  it.each(ENDPOINTS)('%s: only 2xx or a 4xx with a clear {path, message}; never a 5xx', async (url, plausible, contentType = 'application/json') => {
    await fc.assert(
      fc.asyncProperty(body(plausible), headers, async (payload, kind) => {
        const res = await app.inject({ method: 'POST', url, headers: { 'content-type': contentType, ...auth(kind) }, payload } as InjectOptions);
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) {
          const b = res.json();
          expect(b.path).toBe(url);
          expect(typeof b.message).toBe('string');
          expect(b.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
  });

  /** Percent-encodes, and turns what cannot be encoded (lone surrogates) into invalid UTF-8 on purpose. */
  const enc = (s: string) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return '%ED%A0%80%FF';
    }
  };

  it('GET endpoints with hostile ids and query strings, invalid UTF-8 included', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, hostileString, headers, async (id, q, kind) => {
        for (const url of [`/v2/sessions/${enc(id)}/stats`, `/v2/sessions/${enc(id)}/export`, `/v2/sessions?tag=${enc(q)}&limit=${enc(q)}&before=${enc(q)}`, `/v2/overview?days=${enc(q)}`,
          `/v2/sessions?q=${enc(q)}&model=${enc(id)}&agent=${enc(q)}`, `/v2/sessions?q=${enc(id)}&has_errors=${enc(q)}&min_cost=${enc(q)}&max_cost=${enc(id)}`,
          `/v2/sessions/${SESSION}/search?q=${enc(q)}`, `/v2/sessions/${enc(id)}/search?q=${enc(id)}`,
          `/v2/sessions/${SESSION}/events/${enc(id)}`, `/v2/sessions/${SESSION}/export?fields=${enc(q)}`]) {
          const res = await app.inject({ method: 'GET', url, headers: auth(kind) });
          expect(res.statusCode).toBeLessThan(500);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the store is consistent afterwards and still serves', async () => {
    expect(await consistency(store)).toEqual({ orphans: 0, badJson: 0, tables: 2 });
    const res = await app.inject({ method: 'GET', url: `/v2/sessions/${SESSION}/stats`, headers: { 'x-agentops-api-key': KEY } });
    expect(res.statusCode).toBe(200);
  });
});
