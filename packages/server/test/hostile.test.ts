// Hostile, huge and strange input at every door: nothing breaks, nothing accepted becomes unreadable.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { startServer, type StartedServer } from '../src/start.js';
import { freshDatabase, STORES } from '../../../test/helpers/postgres.js';

const KEY = randomUUID();
const OTHER_KEY = randomUUID();
let server: StartedServer;
let db: string;

/** A server on a fresh store of that kind, made the current `server` for the helpers below. */
function serverOn(kind: 'sqlite' | 'postgres') {
  beforeAll(async () => {
    db = kind === 'sqlite' ? path.join(mkdtempSync(path.join(tmpdir(), 'agentops-hostile-')), 'agentops.db') : await freshDatabase();
    server = await startServer({ port: 0, db, apiKeys: [`${KEY}=hostile`, `${OTHER_KEY}=hostile`] });
  });
  afterAll(() => server.close());
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const nanos = (ms: number) => String(BigInt(ms) * 1_000_000n);

type Attr = { key: string; value: Record<string, unknown> };
const attr = (key: string, value: string | number | boolean | string[]): Attr => ({
  key,
  value: Array.isArray(value)
    ? { arrayValue: { values: value.map((v) => ({ stringValue: v })) } }
    : typeof value === 'string'
      ? { stringValue: value }
      : typeof value === 'boolean'
        ? { boolValue: value }
        : Number.isInteger(value)
          ? { intValue: String(value) }
          : { doubleValue: value },
});

function llmSpan(traceId: string, extra: Attr[] = [], start = Date.now()) {
  return {
    traceId,
    spanId: hex(8),
    name: 'chat gpt-4o-mini',
    kind: 3,
    startTimeUnixNano: nanos(start),
    endTimeUnixNano: nanos(start + 100),
    attributes: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.request.model', 'gpt-4o-mini'), attr('gen_ai.usage.output_tokens', 10), ...extra],
  };
}

const otlp = (spans: unknown[]) => ({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'test' }, spans }] }] });

async function post(p: string, body: unknown, headers: Record<string, string> = { 'x-agentops-api-key': KEY }) {
  const res = await fetch(server.url + p, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any>, headers: res.headers }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function get(p: string, key = KEY) {
  const res = await fetch(server.url + p, { headers: { 'x-agentops-api-key': key } });
  return { status: res.status, body: (await res.json()) as Record<string, any>, headers: res.headers }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const uuidOf = (traceId: string) => `${traceId.slice(0, 8)}-${traceId.slice(8, 12)}-${traceId.slice(12, 16)}-${traceId.slice(16, 20)}-${traceId.slice(20)}`;

/** Every read of the project still answers 200. */
async function projectStillReadable(sessionId?: string) {
  expect((await get('/v2/sessions?limit=1000')).status).toBe(200);
  expect((await get('/v2/overview')).status).toBe(200);
  if (sessionId) {
    expect((await get(`/v2/sessions/${sessionId}/stats`)).status).toBe(200);
    expect((await get(`/v2/sessions/${sessionId}/export`)).status).toBe(200);
  }
}

// What touches storage runs on each store; the transport tests below run once.
describe.each(STORES)('%s store', (kind) => {
  serverOn(kind);

  describe('OTLP obeys the bounds REST does: tokens, costs, sizes', () => {
    it.each([
      ['input tokens of 5e18', attr('gen_ai.usage.input_tokens', 0), { intValue: '5000000000000000000' }, /prompt_tokens must be a whole number from 0 to 1000000000000/],
      ['negative input tokens', attr('gen_ai.usage.input_tokens', 0), { intValue: '-1000000000000000' }, /prompt_tokens must be a whole number/],
      ['a negative cost', attr('agentops.llm.cost', 0.5), { doubleValue: -1000 }, /cost must be a finite number from 0/],
      ['a cost of 1e308', attr('agentops.llm.cost', 0.5), { doubleValue: 1e308 }, /cost must be a finite number from 0/],
    ])('%s: 400 naming the field, nothing written, every read of the project still 200', async (_what, base, value, message) => {
      const traceId = hex(16);
      const good = llmSpan(traceId, [attr('gen_ai.usage.input_tokens', 100)]);
      const bad = llmSpan(traceId, [{ key: base.key, value }]);
      const r = await post('/v1/traces', otlp([good, bad]));
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(message);
      expect(r.body.path).toBe('/v1/traces');
      expect((await get(`/v2/sessions/${uuidOf(traceId)}/stats`)).status).toBe(404); // no partial write
      await projectStillReadable();
    });

    it('100,000 tags on one session are refused with 413; 1,000 are accepted and listed', async () => {
      const traceId = hex(16);
      const session = (n: number) => ({
        ...llmSpan(traceId),
        name: 'session',
        attributes: [attr('agentops.span.kind', 'session'), attr('agentops.tags', Array.from({ length: n }, (_, i) => `t${i}`))],
      });
      expect((await post('/v1/traces', otlp([session(100_000)]))).status).toBe(413);
      expect((await post('/v1/traces', otlp([session(1000)]))).status).toBe(200);
      expect((await get(`/v2/sessions/${uuidOf(traceId)}/stats`)).status).toBe(200);
    });

    it('an upper-case agentops.session.id is the same (lower-case) session; one that is not a UUID is a 400', async () => {
      const id = randomUUID();
      const span = llmSpan(hex(16), [attr('agentops.session.id', id.toUpperCase())]);
      expect((await post('/v1/traces', otlp([span]))).status).toBe(200);
      expect((await get(`/v2/sessions/${id}/stats`)).body.event_counts.llms).toBe(1);
      const bad = await post('/v1/traces', otlp([llmSpan(hex(16), [attr('agentops.session.id', 'not-a-uuid')])]));
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/session_id must be a UUID/);
    });

    it('more spans than a request may carry: 413, and the server answers other requests meanwhile', async () => {
      const traceId = hex(16);
      const many = Array.from({ length: 10_001 }, () => llmSpan(traceId));
      const r = await post('/v1/traces', otlp(many));
      expect(r.status).toBe(413);
      expect(r.body.message).toMatch(/more than the 10000 spans/);
    });

    it('a gzip bomb (16 MB of empty spans in a few KB) is refused without stalling the server: a concurrent list is answered first', async () => {
      const inner = '{},'.repeat(Math.floor((16 * 1024 * 1024 - 200) / 3) - 1) + '{}';
      const bomb = gzipSync(Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[${inner}]}]}]}`));
      expect(bomb.length).toBeLessThan(100_000);
      const order: string[] = [];
      const bombed = fetch(`${server.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-agentops-api-key': KEY },
        body: bomb,
      }).then(async (res) => {
        order.push('bomb');
        return { status: res.status, body: (await res.json()) as { message: string } };
      });
      await new Promise((r) => setTimeout(r, 50));
      const list = await get('/v2/sessions?limit=10');
      order.push('list');
      expect(list.status).toBe(200);
      const b = await bombed;
      expect(b.status).toBe(413);
      expect(order).toEqual(['list', 'bomb']);
      await projectStillReadable();
    });

    it('a session JWT writes only its own session through /v1/traces', async () => {
      const a1 = randomUUID();
      const created = await post('/v2/create_session', { session: { session_id: a1, init_timestamp: new Date().toISOString() } });
      const a2 = randomUUID();
      const span = llmSpan(a2.replace(/-/g, ''));
      const r = await post('/v1/traces', otlp([span]), { authorization: `Bearer ${created.body.jwt}` });
      expect(r.status).toBe(404);
      expect((await get(`/v2/sessions/${a2}/stats`)).status).toBe(404);
      const own = await post('/v1/traces', otlp([llmSpan(a1.replace(/-/g, ''))]), { authorization: `Bearer ${created.body.jwt}` });
      expect(own.status).toBe(200);
    });
  });

  describe('REST: depth, size, identity, time', () => {
    async function session(extra: Record<string, unknown> = {}) {
      const id = randomUUID();
      const r = await post('/v2/create_session', { session: { session_id: id, init_timestamp: '2026-05-01T10:00:00.000Z', ...extra } });
      expect(r.status).toBe(200);
      return { id, jwt: r.body.jwt as string };
    }
    const action = (id: string, extra: Record<string, unknown> = {}) => ({
      id,
      event_type: 'actions',
      init_timestamp: '2026-05-01T10:00:01.000Z',
      end_timestamp: '2026-05-01T10:00:02.000Z',
      action_type: 'x',
      ...extra,
    });

    it('params nested 5,000 deep: 400 naming the event, the batch not written, the server fine', async () => {
      const s = await session();
      // Written out by hand: JSON.stringify itself would overflow the stack on it.
      const deep = `${'['.repeat(5000)}"leaf"${']'.repeat(5000)}`;
      const body = `{"events":[${JSON.stringify(action('ok'))},${JSON.stringify(action('deep')).slice(0, -1)},"params":${deep}}]}`;
      const r = await post('/v2/create_events', body, { authorization: `Bearer ${s.jwt}` });
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(/events\[1\] nests objects or arrays deeper than 64 levels/);
      expect((await get(`/v2/sessions/${s.id}/stats`)).body.events).toBe(0);
      await projectStillReadable(s.id);
    });

    it('an event over 1 MiB is a 413; what was accepted exports whole', async () => {
      const s = await session();
      const big = await post('/v2/create_events', { events: [action('big', { returns: 'x'.repeat(2 * 1024 * 1024) })] }, { authorization: `Bearer ${s.jwt}` });
      expect(big.status).toBe(413);
      const fine = await post('/v2/create_events', { events: [action('fine', { returns: 'y'.repeat(900 * 1024) })] }, { authorization: `Bearer ${s.jwt}` });
      expect(fine.status).toBe(200);
      const exp = await get(`/v2/sessions/${s.id}/export`);
      expect(exp.body.actions).toHaveLength(1);
      expect(exp.body.actions[0].returns).toHaveLength(900 * 1024);
    });

    it('a session of 20,000 events exports as one valid JSON document (streamed page by page)', async () => {
      const s = await session();
      for (let b = 0; b < 2; b++) {
        const events = Array.from({ length: 10_000 }, (_, i) => action(`e${b}-${i}`, { params: { i } }));
        expect((await post('/v2/create_events', { events }, { authorization: `Bearer ${s.jwt}` })).status).toBe(200);
      }
      const exp = await get(`/v2/sessions/${s.id}/export`);
      expect(exp.body.actions).toHaveLength(20_000);
      expect(exp.body.stats.events).toBe(20_000);
      expect(new Set(exp.body.actions.map((a: { id: string }) => a.id)).size).toBe(20_000);
    });

    it('the same event id in two sessions of a project is two events', async () => {
      const a = await session();
      const b = await session();
      for (const s of [a, b]) expect((await post('/v2/create_events', { events: [action('shared-id')] }, { authorization: `Bearer ${s.jwt}` })).body.inserted).toBe(1);
      expect((await get(`/v2/sessions/${a.id}/stats`)).body.events).toBe(1);
      expect((await get(`/v2/sessions/${b.id}/stats`)).body.events).toBe(1);
    });

    it('timestamps are stored in UTC: an offset, a leap second; an end before the start is no negative duration; an update without a start keeps it', async () => {
      const tag = `tz-${randomUUID()}`;
      const early = await session({ init_timestamp: '2026-06-01T05:00:00+05:00', tags: [tag] }); // 00:00Z
      const late = await session({ init_timestamp: '2026-06-01T01:00:00Z', tags: [tag] });
      const list = (await get(`/v2/sessions?tag=${tag}`)).body.sessions as Array<{ session_id: string; init_timestamp: string }>;
      expect(list.map((s) => s.session_id)).toEqual([late.id, early.id]);
      expect(list[1].init_timestamp).toBe('2026-06-01T00:00:00.000Z');

      const leap = await session({ init_timestamp: '2016-12-31T23:59:60Z' });
      const end = await post('/v2/update_session', { session: { session_id: leap.id, end_timestamp: '2017-01-01T00:00:01Z', end_state: 'Success' } }, { authorization: `Bearer ${leap.jwt}` });
      expect(end.status).toBe(200);
      const stats = (await get(`/v2/sessions/${leap.id}/stats`)).body;
      expect(stats.duration_ms).toBe(1001);
      expect((await get(`/v2/sessions/${leap.id}/export`)).body.session.init_timestamp).toBe('2016-12-31T23:59:59.999Z');

      const backwards = await session();
      await post('/v2/update_session', { session: { session_id: backwards.id, end_timestamp: '2026-05-01T09:00:00Z', end_state: 'Failure' } }, { authorization: `Bearer ${backwards.jwt}` });
      const b = (await get(`/v2/sessions/${backwards.id}/export`)).body;
      expect(b.stats.duration_ms).toBe(0);
      expect(b.session.init_timestamp).toBe('2026-05-01T10:00:00.000Z');
    });

    it('an API key deleted: it and every token made with it stop working', async () => {
      const key = randomUUID();
      const { app, store } = await buildApp({ db: kind === 'sqlite' ? path.join(mkdtempSync(path.join(tmpdir(), 'agentops-revoke-')), 'a.db') : await freshDatabase() });
      try {
        await store.addApiKey(key, 'revoked');
        const id = randomUUID();
        const created = await app.inject({ method: 'POST', url: '/v2/create_session', headers: { 'x-agentops-api-key': key }, payload: { session: { session_id: id } } });
        const { jwt } = created.json() as { jwt: string };
        const token = (await app.inject({ method: 'POST', url: '/v3/auth/token', payload: { api_key: key } })).json().token as string;
        const events = () => app.inject({ method: 'POST', url: '/v2/create_events', headers: { authorization: `Bearer ${jwt}` }, payload: { events: [] } });
        const traces = () => app.inject({ method: 'POST', url: '/v1/traces', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: otlp([]) });
        expect((await events()).statusCode).toBe(200);
        expect((await traces()).statusCode).toBe(200);
        expect(await store.deleteApiKey(key)).toBe(true);
        for (const r of [await events(), await traces()]) {
          expect(r.statusCode).toBe(401);
          expect(r.json().message).toMatch(/Revoked token/);
        }
      } finally {
        await app.close();
      }
    });
  });
});

describe('connections and headers', () => {
  serverOn('sqlite');

  it('credentials are checked from the headers before the body is read: a request without a key is answered 401 while its body is still coming', async () => {
    const { port } = server;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(`POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${15 * 1024 * 1024}\r\n\r\n`);
        socket.write('{"resourceSpans":[');
      });
      let got = '';
      socket.on('data', (d) => {
        got += d;
        if (got.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(got);
        }
      });
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1.1 401/);
  });

  it('a client that sends its body slowly is disconnected (default request timeout, 30 s)', async () => {
    const closedAfter = await new Promise<number>((resolve) => {
      const t0 = Date.now();
      const socket = net.connect(server.port, '127.0.0.1', () => {
        socket.write(`POST /v2/create_events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`);
      });
      const drip = setInterval(() => socket.writable && socket.write('['), 1000);
      socket.on('data', () => {});
      socket.on('close', () => {
        clearInterval(drip);
        resolve(Date.now() - t0);
      });
      socket.on('error', () => {});
    });
    expect(closedAfter).toBeLessThan(45_000);
  }, 60_000);

  it('answers carry X-Content-Type-Options: nosniff; a 404 echoes its path escaped and capped', async () => {
    const r = await get(`/v2/<script>alert(1)</script>${'a'.repeat(500)}`);
    expect(r.status).toBe(404);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.body.path).not.toMatch(/[<>]/);
    expect(r.body.path.length).toBeLessThanOrEqual(201);
  });

  it('a second server on the same SQLite file is refused with a clear message', async () => {
    const cli = path.join(__dirname, '..', 'dist', 'cli.js');
    let out = '';
    try {
      execFileSync(process.execPath, [cli, '--port', '0', '--db', db], { encoding: 'utf8', stdio: 'pipe', timeout: 20_000 });
    } catch (e) {
      out = String((e as { stderr?: string }).stderr);
    }
    expect(out).toMatch(/another AgentOps server \(pid \d+\) is using/);
  });
});
