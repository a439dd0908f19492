import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import pg from 'pg';
import { PostgresStore, type SqliteStore } from '../src/store/index.js';
import { freshDatabase, postgresOff } from '../../../test/helpers/postgres.js';

let app: FastifyInstance;
let store: SqliteStore;
const KEY = randomUUID();
const SESSION = randomUUID();
let jwt: string;

beforeAll(async () => {
  const built = await buildApp({ db: path.join(mkdtempSync(path.join(tmpdir(), 'agentops-disk-')), 'disk.db') });
  app = built.app;
  store = built.store as SqliteStore;
  await store.addApiKey(KEY, 'disk');
  jwt = (await app.inject({ method: 'POST', url: '/v2/create_session', headers: { 'x-agentops-api-key': KEY }, payload: { session: { session_id: SESSION } } })).json().jwt;
});
afterAll(() => app.close());

const events = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, event_type: 'actions', init_timestamp: new Date().toISOString(), params: { blob: 'x'.repeat(2000) } }));
const send = (prefix: string, n = 200) =>
  app.inject({ method: 'POST', url: '/v2/create_events', headers: { authorization: `Bearer ${jwt}` }, payload: { events: events(n, prefix) } });

describe('when the disk refuses writes', () => {
  it('disk full: 503 with a clear message, the batch is not half-written, and it recovers when space returns', async () => {
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages + 2}`); // the file can barely grow: as good as a full disk
    const full = await send('full');
    expect(full.statusCode).toBe(503);
    expect(full.headers['retry-after']).toBe('5');
    expect(full.json().message).toMatch(/Storage unavailable \(SQLITE_FULL\).*Retry later/);
    const stats = (await app.inject({ url: `/v2/sessions/${SESSION}/stats`, headers: { 'x-agentops-api-key': KEY } })).json();
    expect(stats.events).toBe(0); // one transaction per request: nothing of the refused batch was kept

    store.db.pragma('max_page_count = 1073741823');
    const again = await send('full');
    expect(again.statusCode).toBe(200);
    expect(again.json().inserted).toBe(200);
  });

  it('read-only store: 503, then it recovers', async () => {
    store.db.pragma('query_only = ON');
    const ro = await send('ro', 5);
    expect(ro.statusCode).toBe(503);
    expect(ro.json().message).toMatch(/Storage unavailable/);
    // Reads still work meanwhile.
    expect((await app.inject({ url: `/v2/sessions/${SESSION}/stats`, headers: { 'x-agentops-api-key': KEY } })).statusCode).toBe(200);
    store.db.pragma('query_only = OFF');
    expect((await send('ro', 5)).statusCode).toBe(200);
  });

  it('a storage fault while a token is checked is a 503 to retry, not a 401 that would send the client to re-authorize', async () => {
    // A read of the key table that fails as a dropped PostgreSQL connection or a SQLite I/O error does (seen in CI
    // when PostgreSQL's connections were terminated between two requests).
    const keyHashBelongs = store.keyHashBelongs.bind(store);
    store.keyHashBelongs = () => Promise.reject(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }));
    try {
      const during = await send('auth-fault', 5);
      expect(during.statusCode).toBe(503);
      expect(during.headers['retry-after']).toBe('5');
      expect(during.json().message).toMatch(/Storage unavailable \(SQLITE_IOERR\)/);
    } finally {
      store.keyHashBelongs = keyHashBelongs;
    }
    expect((await send('auth-fault', 5)).statusCode).toBe(200);
    // A forged token is still a 401.
    const forged = await app.inject({ method: 'POST', url: '/v2/create_events', headers: { authorization: `Bearer ${jwt.slice(0, -2)}xx` }, payload: { events: [] } });
    expect(forged.statusCode).toBe(401);
  });
});

describe.skipIf(postgresOff())('when PostgreSQL refuses writes or drops its connections', () => {
  let pgApp: FastifyInstance;
  let url: string;
  let admin: pg.Client;
  let token: string;
  const id = randomUUID();
  const sendTo = (prefix: string, n = 50) =>
    pgApp.inject({ method: 'POST', url: '/v2/create_events', headers: { authorization: `Bearer ${token}` }, payload: { events: events(n, prefix) } });
  const statsOf = async () => (await pgApp.inject({ url: `/v2/sessions/${id}/stats`, headers: { 'x-agentops-api-key': KEY } })).json();
  /** Ends every connection of the server's pool, as a restart or failover of the database does. */
  const dropConnections = (db: string) =>
    admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'agentops-server'", [db]);

  beforeAll(async () => {
    url = await freshDatabase();
    ({ app: pgApp } = await buildApp({ db: url }));
    admin = new pg.Client(url);
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await pgApp.close();
  });

  it('a read-only database: 503 with Retry-After and nothing half-written; writes work again once it is writable', async () => {
    const db = new URL(url).pathname.slice(1);
    // The key and the session exist before the fault.
    const seed = await PostgresStore.open(url);
    await seed.addApiKey(KEY, 'disk');
    await seed.close();
    token = (await pgApp.inject({ method: 'POST', url: '/v2/create_session', headers: { 'x-agentops-api-key': KEY }, payload: { session: { session_id: id } } })).json().jwt;
    expect((await sendTo('ok')).statusCode).toBe(200);

    await admin.query(`ALTER DATABASE ${db} SET default_transaction_read_only = on`);
    await dropConnections(db); // new connections take the setting
    const refused = await sendTo('ro');
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json().message).toMatch(/Storage unavailable \((25006|57P01|PG_CONNECTION)\).*Retry later/);
    let ro;
    do ro = await sendTo('ro');
    while (ro.statusCode === 503 && /57P01|PG_CONNECTION/.test(ro.json().message));
    expect(ro.json().message).toMatch(/\(25006\)/); // the read-only refusal itself, once the pool reconnected
    expect((await statsOf()).events).toBe(50); // reads still work, and nothing of the refused batches was kept

    await admin.query(`ALTER DATABASE ${db} RESET default_transaction_read_only`);
    await dropConnections(db);
    let back;
    do back = await sendTo('ro');
    while (back.statusCode === 503);
    expect(back.statusCode).toBe(200);
    expect(back.json().inserted).toBe(50);
    expect((await statsOf()).events).toBe(100);
  });

  it('connections dropped under the server (a database restart): 503 at worst, never a 500, and it serves again', async () => {
    const db = new URL(url).pathname.slice(1);
    const codes: number[] = [];
    for (let round = 0; round < 5; round++) {
      await dropConnections(db);
      const [a, b] = await Promise.all([sendTo(`drop${round}`), statsOf().then(() => 200)]);
      codes.push(a.statusCode, b);
    }
    expect(codes.every((c) => c === 200 || c === 503)).toBe(true);
    let r;
    do r = await sendTo('after');
    while (r.statusCode === 503);
    expect(r.statusCode).toBe(200);
  });
});
