import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { SignJWT } from 'jose';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { Store } from '../src/store/index.js';
import { freshDatabase, STORES } from '../../../test/helpers/postgres.js';

const KEY_A = randomUUID();
const KEY_B = randomUUID();
let app: FastifyInstance;
let store: Store;
let dbFile: string;


const iso = (offsetMs = 0) => new Date(Date.parse('2026-03-01T12:00:00.000Z') + offsetMs).toISOString();

async function createSession(key: string, session: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/v2/create_session', headers: { 'x-agentops-api-key': key }, payload: { session } });
  return { status: res.statusCode, body: res.json() as Record<string, string> };
}

const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` });
const llm = (id: string, cost: number, extra: Record<string, unknown> = {}) => ({
  id,
  event_type: 'llms',
  init_timestamp: iso(1000),
  end_timestamp: iso(2000),
  model: 'gpt-4o-mini',
  prompt_tokens: 100,
  completion_tokens: 10,
  cache_read_tokens: 5,
  reasoning_tokens: 2,
  cost,
  prompt: [{ role: 'user', content: 'hi' }],
  ...extra,
});

// The API's contract, on each store: the same requests, the same answers.
describe.each(STORES)('%s store', (kind) => {
  beforeAll(async () => {
    dbFile = kind === 'sqlite' ? path.join(mkdtempSync(path.join(tmpdir(), 'agentops-server-')), 'test.db') : await freshDatabase();
    ({ app, store } = await buildApp({ db: dbFile, bodyLimit: 512 * 1024 }));
    await store.addApiKey(KEY_A, 'project-a');
    await store.addApiKey(KEY_B, 'project-b');
  });
  afterAll(() => app.close());

  describe('v2 session lifecycle', () => {
    const id = randomUUID();
    let jwt: string;

    it('create_session answers Success with a JWT and the session URL, and is idempotent', async () => {
      const first = await createSession(KEY_A, { session_id: id, init_timestamp: iso(), tags: ['t1'], host_env: { OS: 'linux' } });
      expect(first.status).toBe(200);
      expect(first.body.status).toBe('Success');
      expect(first.body.session_url).toMatch(new RegExp(`/sessions/${id}$`));
      jwt = first.body.jwt;
      const again = await createSession(KEY_A, { session_id: id, init_timestamp: iso(5), tags: ['t1'] });
      expect(again.status).toBe(200);
      const list = await app.inject({ url: '/v2/sessions', headers: { 'x-agentops-api-key': KEY_A } });
      expect(list.json().sessions.filter((s: { session_id: string }) => s.session_id === id)).toHaveLength(1);
    });

    it('create_events is idempotent by event id; create_agent upserts', async () => {
      const events = [llm('e1', 0.0001), llm('e2', 0.0002), { id: 'a1', event_type: 'actions', init_timestamp: iso(3000), end_timestamp: iso(3100), action_type: 'search', params: { q: 'x' } }];
      const r1 = await app.inject({ method: 'POST', url: '/v2/create_events', headers: bearer(jwt), payload: { events } });
      expect(r1.statusCode).toBe(200);
      expect(r1.json().inserted).toBe(3);
      const r2 = await app.inject({ method: 'POST', url: '/v2/create_events', headers: bearer(jwt), payload: { events } });
      expect(r2.json().inserted).toBe(0);
      const ag = await app.inject({ method: 'POST', url: '/v2/create_agent', headers: bearer(jwt), payload: { id: 'ag1', name: 'planner' } });
      expect(ag.statusCode).toBe(200);
    });

    it('update_session ends it and answers the token cost; stats and export show exactly what was stored', async () => {
      const r = await app.inject({
        method: 'POST',
        url: '/v2/update_session',
        headers: bearer(jwt),
        payload: { session: { session_id: id, init_timestamp: iso(), end_timestamp: iso(10_000), end_state: 'Fail', end_state_reason: 'x', tags: ['t2'] } },
      });
      expect(r.json()).toEqual({ status: 'success', token_cost: '0.000300' });
      const stats = (await app.inject({ url: `/v2/sessions/${id}/stats`, headers: { 'x-agentops-api-key': KEY_A } })).json();
      expect(stats).toEqual({
        session_id: id,
        cost: '0.000300',
        events: 3,
        prompt_tokens: 200,
        completion_tokens: 20,
        cache_read_tokens: 10,
        reasoning_tokens: 4,
        total_tokens: 220,
        errors: 0,
        event_counts: { llms: 2, actions: 1, tools: 0, errors: 0 },
        duration_ms: 10_000,
        end_state: 'Failure',
        unpriced_llm_calls: 0,
      });
      const exp = (await app.inject({ url: `/v2/sessions/${id}/export`, headers: { 'x-agentops-api-key': KEY_A } })).json();
      expect(exp.session).toMatchObject({ session_id: id, end_state: 'Failure', end_state_reason: 'x', tags: ['t2'], host_env: { OS: 'linux' } });
      expect(exp.llms.map((e: { id: string }) => e.id)).toEqual(['e1', 'e2']);
      expect(exp.llms[0].prompt).toEqual([{ role: 'user', content: 'hi' }]);
      expect(exp.actions[0]).toMatchObject({ id: 'a1', action_type: 'search', params: { q: 'x' } });
      expect(exp.agents).toEqual([{ id: 'ag1', name: 'planner' }]);
      expect(exp.stats.cost).toBe('0.000300');
    });

    it('reauthorize_jwt issues a fresh session JWT for the API key', async () => {
      const r = await app.inject({ method: 'POST', url: '/v2/reauthorize_jwt', headers: { 'x-agentops-api-key': KEY_A }, payload: { session_id: id } });
      expect(r.json()).toMatchObject({ status: 'Success', jwt: expect.any(String) });
      const e = await app.inject({ method: 'POST', url: '/v2/create_events', headers: bearer(r.json().jwt), payload: { events: [llm('e3', 0)] } });
      expect(e.statusCode).toBe(200);
    });

    it('a key of project B never sees project A: 404, not 403', async () => {
      for (const url of [`/v2/sessions/${id}/stats`, `/v2/sessions/${id}/export`]) {
        const r = await app.inject({ url, headers: { 'x-agentops-api-key': KEY_B } });
        expect(r.statusCode).toBe(404);
        expect(r.json()).toEqual({ path: url, message: `No session ${id} in this project` });
      }
      expect((await app.inject({ url: '/v2/sessions', headers: { 'x-agentops-api-key': KEY_B } })).json().sessions).toEqual([]);
      const reauth = await app.inject({ method: 'POST', url: '/v2/reauthorize_jwt', headers: { 'x-agentops-api-key': KEY_B }, payload: { session_id: id } });
      expect(reauth.statusCode).toBe(404);
      expect((await createSession(KEY_B, { session_id: id, init_timestamp: iso() })).status).toBe(404);
    });
  });

  describe('GET /v2/sessions', () => {
    it('lists newest first, filtered by tag, end state, time, and limited', async () => {
      const key = randomUUID();
      await store.addApiKey(key, 'listing');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const id = randomUUID();
        ids.push(id);
        const { body } = await createSession(key, { session_id: id, init_timestamp: iso(i * 60_000), tags: i % 2 ? ['odd'] : ['even'] });
        if (i < 3) {
          await app.inject({
            method: 'POST',
            url: '/v2/update_session',
            headers: bearer(body.jwt),
            payload: { session: { session_id: id, init_timestamp: iso(i * 60_000), end_timestamp: iso(i * 60_000 + 1), end_state: i === 0 ? 'Failure' : 'Success', tags: i % 2 ? ['odd'] : ['even'] } },
          });
        }
      }
      const get = async (q: string) => (await app.inject({ url: `/v2/sessions${q}`, headers: { 'x-agentops-api-key': key } })).json().sessions.map((s: { session_id: string }) => s.session_id);
      expect(await get('')).toEqual([...ids].reverse());
      expect(await get('?tag=odd')).toEqual([ids[3], ids[1]]);
      expect(await get('?end_state=Success')).toEqual([ids[2], ids[1]]);
      expect(await get('?end_state=Failure&tag=even')).toEqual([ids[0]]);
      expect(await get('?limit=2')).toEqual([ids[4], ids[3]]);
      expect(await get(`?before=${encodeURIComponent(iso(2 * 60_000))}`)).toEqual([ids[1], ids[0]]);
    });
  });

  describe('bad input: 4xx with {path, message}, never 5xx, and the server keeps serving', () => {
    const send = (opts: InjectOptions) => app.inject(opts);

    it.each([
      ['malformed JSON', { method: 'POST', url: '/v2/create_session', headers: { 'x-agentops-api-key': KEY_A, 'content-type': 'application/json' }, payload: '{"session":' }, 400, /Malformed JSON|JSON/],
      ['wrong types', { method: 'POST', url: '/v2/create_session', headers: { 'x-agentops-api-key': KEY_A }, payload: { session: { session_id: 42 } } }, 400, /Invalid body/],
      ['bad end state', { method: 'POST', url: '/v2/create_session', headers: { 'x-agentops-api-key': KEY_A }, payload: { session: { session_id: randomUUID(), end_state: 'Done' } } }, 400, /Invalid body/],
      ['missing key', { method: 'GET', url: '/v2/sessions' }, 401, /Missing API key/],
      ['malformed key', { method: 'GET', url: '/v2/sessions', headers: { 'x-agentops-api-key': 'abc' } }, 400, /^Invalid API key format$/],
      ['unknown key', { method: 'GET', url: '/v2/sessions', headers: { 'x-agentops-api-key': randomUUID() } }, 401, /Unknown API key/],
      ['unknown session', { method: 'GET', url: `/v2/sessions/${randomUUID()}/stats`, headers: { 'x-agentops-api-key': KEY_A } }, 404, /No session/],
      ['missing bearer', { method: 'POST', url: '/v2/create_events', payload: { events: [] } }, 401, /Missing bearer token/],
      ['garbage bearer', { method: 'POST', url: '/v2/create_events', headers: { authorization: 'Bearer x.y.z' }, payload: { events: [] } }, 401, /Invalid token/],
      ['oversize body', { method: 'POST', url: '/v2/create_session', headers: { 'x-agentops-api-key': KEY_A, 'content-type': 'application/json' }, payload: JSON.stringify({ session: { session_id: randomUUID(), end_state_reason: 'x'.repeat(600 * 1024) } }) }, 413, /too large/],
      ['bad limit', { method: 'GET', url: '/v2/sessions?limit=-1', headers: { 'x-agentops-api-key': KEY_A } }, 400, /limit/],
      ['unknown route', { method: 'GET', url: '/v2/nope' }, 404, /No route/],
    ] as const)('%s', async (_name, opts, status, message) => {
      const res = await send(opts as InjectOptions);
      expect(res.statusCode).toBe(status);
      const body = res.json();
      expect(body.path).toBe((opts.url as string).split('?')[0]);
      expect(body.message).toMatch(message);
    });

    it('forged and expired JWTs are 401', async () => {
      const forged = await new SignJWT({ project_id: 'p', session_id: randomUUID() }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new Uint8Array(32));
      const r1 = await send({ method: 'POST', url: '/v2/create_events', headers: bearer(forged), payload: { events: [] } });
      expect(r1.statusCode).toBe(401);
      expect(r1.json().message).toBe('Invalid token');

      const { app: shortLived, store: s2 } = await buildApp({ db: dbFile, jwtTtlSeconds: 1 });
      const { body } = await (async () => {
        const res = await shortLived.inject({ method: 'POST', url: '/v2/create_session', headers: { 'x-agentops-api-key': KEY_A }, payload: { session: { session_id: randomUUID() } } });
        return { body: res.json() };
      })();
      await new Promise((r) => setTimeout(r, 2100));
      const r2 = await shortLived.inject({ method: 'POST', url: '/v2/create_events', headers: bearer(body.jwt), payload: { events: [] } });
      expect(r2.statusCode).toBe(401);
      expect(r2.json().message).toBe('Expired token');
      // A token lives at least its TTL, wherever in a second it was issued.
      const fresh = await shortLived.inject({ method: 'POST', url: '/v2/create_session', headers: { 'x-agentops-api-key': KEY_A }, payload: { session: { session_id: randomUUID() } } });
      await new Promise((r) => setTimeout(r, 950));
      const r3 = await shortLived.inject({ method: 'POST', url: '/v2/create_events', headers: bearer(fresh.json().jwt), payload: { events: [] } });
      expect(r3.statusCode).toBe(200);
      expect(s2).toBeDefined();
      await shortLived.close();
    });

    it('an event naming another session than its token is refused', async () => {
      const { body } = await createSession(KEY_A, { session_id: randomUUID() });
      const r = await send({ method: 'POST', url: '/v2/create_events', headers: bearer(body.jwt), payload: { events: [{ ...llm('z', 0), session_id: randomUUID() }] } });
      expect(r.statusCode).toBe(400);
    });

    it('still serves after all that', async () => {
      expect((await send({ url: '/v2/sessions', headers: { 'x-agentops-api-key': KEY_A } })).statusCode).toBe(200);
    });
  });

  describe('OTLP/HTTP ingest', () => {
    const traceId = '5b8efff798038103d269b633813fc60c';
    const otlp = (spans: unknown[]) => ({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'x' }, spans }] }] });
    const llmSpan = {
      traceId,
      spanId: 'eee19b7ec3c1b174',
      name: 'chat gpt-4o-mini',
      kind: 3,
      startTimeUnixNano: '1767225600000000000',
      endTimeUnixNano: '1767225601000000000',
      attributes: [
        { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
        { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: '1000' } },
        { key: 'gen_ai.usage.output_tokens', value: { intValue: 50 } },
      ],
      status: {},
    };

    it('accepts JSON with the API key, and gzip JSON with a token from /v3/auth/token', async () => {
      const key = randomUUID();
      await store.addApiKey(key, 'otlp');
      const r = await app.inject({ method: 'POST', url: '/v1/traces', headers: { 'x-agentops-api-key': key, 'content-type': 'application/json' }, payload: JSON.stringify(otlp([llmSpan])) });
      expect(r.statusCode).toBe(200);
      const token = (await app.inject({ method: 'POST', url: '/v3/auth/token', payload: { api_key: key } })).json().token;
      const second = { ...llmSpan, spanId: 'fff19b7ec3c1b174' };
      const g = await app.inject({
        method: 'POST',
        url: '/v1/traces',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        payload: gzipSync(JSON.stringify(otlp([second]))),
      });
      expect(g.statusCode).toBe(200);
      const sessionId = '5b8efff7-9803-8103-d269-b633813fc60c';
      const stats = (await app.inject({ url: `/v2/sessions/${sessionId}/stats`, headers: { 'x-agentops-api-key': key } })).json();
      expect(stats.event_counts.llms).toBe(2);
      expect(stats.prompt_tokens).toBe(2000);
      expect(Number(stats.cost)).toBeGreaterThan(0);
    });

    it('/v2/server/metrics tells where the ingest time went: auth, receive, decode (OTLP), validate, store, the rest', async () => {
      const key = randomUUID();
      await store.addApiKey(key, 'metrics');
      const metrics = async () => (await app.inject({ url: '/v2/server/metrics', headers: { 'x-agentops-api-key': key } })).json().ingest_time;
      const before = await metrics();
      const { body } = await createSession(key, { session_id: randomUUID() });
      expect((await app.inject({ method: 'POST', url: '/v2/create_events', headers: bearer(body.jwt), payload: { events: [llm(randomUUID(), 0)] } })).statusCode).toBe(200);
      const restOnly = await metrics();
      const span = { ...llmSpan, traceId: randomUUID().replaceAll('-', '') };
      const r = await app.inject({ method: 'POST', url: '/v1/traces', headers: { 'x-agentops-api-key': key, 'content-type': 'application/json' }, payload: JSON.stringify(otlp([span])) });
      expect(r.statusCode).toBe(200);
      const after = await metrics();
      // create_session is not an ingest request; create_events and /v1/traces are, one each.
      expect(restOnly.requests).toBe(before.requests + 1);
      expect(after.requests).toBe(before.requests + 2);
      expect(restOnly.phases.decode_ms).toBe(before.phases.decode_ms); // only OTLP is decoded
      expect(after.phases.decode_ms).toBeGreaterThan(restOnly.phases.decode_ms);
      for (const phase of ['auth_ms', 'receive_ms', 'validate_ms', 'store_ms'] as const) expect(restOnly.phases[phase]).toBeGreaterThan(before.phases[phase]);
      const sum = Object.values(after.phases as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(after.total_ms, 0);
    });

    it("a session made of another SDK's spans is listed under the resource's service.name; a later batch of another service does not rename it", async () => {
      const key = randomUUID();
      await store.addApiKey(key, 'otlp-service');
      const withService = (spans: unknown[], name: string) => ({
        resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: name } }] }, scopeSpans: [{ scope: { name: 'x' }, spans }] }],
      });
      const post = (body: unknown) => app.inject({ method: 'POST', url: '/v1/traces', headers: { 'x-agentops-api-key': key, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
      const own = { ...llmSpan, traceId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90' };
      expect((await post(withService([own], 'support-bot'))).statusCode).toBe(200);
      const list = async () => (await app.inject({ url: '/v2/sessions', headers: { 'x-agentops-api-key': key } })).json().sessions as Array<{ app: string | null; llm_calls: number; init_timestamp: string }>;
      expect(await list()).toMatchObject([{ app: 'support-bot', llm_calls: 1 }]);
      // Its start is its first event's, not the time the request came.
      expect((await list())[0].init_timestamp < new Date(Date.now() - 60_000).toISOString()).toBe(true);
      // A second batch from another service does not rename it.
      expect((await post(withService([{ ...own, spanId: 'aaa19b7ec3c1b174' }], 'other-bot'))).statusCode).toBe(200);
      expect(await list()).toMatchObject([{ app: 'support-bot', llm_calls: 2 }]);
    });

    it.each([
      ['truncated protobuf', 'application/x-protobuf', Buffer.from([0x0a, 0xff, 0x01, 0x02]), 400],
      ['malformed JSON', 'application/json', Buffer.from('{"resourceSpans": ['), 400],
      ['wrong shape', 'application/json', Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'zz', spanId: 'x' }] }] }] })), 400],
      ['not gzip', 'application/json', Buffer.from('plain'), 400],
    ])('%s is a 400', async (name, type, payload, status) => {
      const headers: Record<string, string> = { 'x-agentops-api-key': KEY_A, 'content-type': type };
      if (name === 'not gzip') headers['content-encoding'] = 'gzip';
      const r = await app.inject({ method: 'POST', url: '/v1/traces', headers, payload });
      expect(r.statusCode).toBe(status);
      expect(r.json().path).toBe('/v1/traces');
    });
  });
});
