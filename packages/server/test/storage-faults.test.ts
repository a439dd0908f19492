import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { SqliteStore } from '../src/store/index.js';

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
});
