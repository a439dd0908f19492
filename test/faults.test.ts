import { afterEach, describe, expect, it, vi } from 'vitest';
import * as agentops from '@agentops/otel';
import { startFaultProxy } from './helpers/proxy.js';
import { startTestServer } from './helpers/server.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await agentops.shutdown();
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(opts: { jwtTtlSeconds?: number; retryWindowMs?: number; requestTimeoutMs?: number; maxQueueSize?: number } = {}) {
  const server = await startTestServer({ jwtTtlSeconds: opts.jwtTtlSeconds });
  const proxy = await startFaultProxy(server.url);
  cleanups.push(() => server.close(), () => proxy.close());
  const exporter = new agentops.AgentOpsExporter({
    endpoint: proxy.url,
    apiKey: server.apiKey,
    retryWindowMs: opts.retryWindowMs ?? 15_000,
    requestTimeoutMs: opts.requestTimeoutMs ?? 2000,
  });
  const init = (o: agentops.InitOptions = {}) =>
    agentops.init({ exporter, logLevel: 'warn', maxWaitTime: 50, maxQueueSize: opts.maxQueueSize, ...o })!;
  return { server, proxy, init };
}

function captureWarnings() {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    lines.push(String(c));
    return true;
  });
  return () => lines.join('');
}

const record = (s: agentops.Session, n: number) => {
  for (let i = 0; i < n; i++) s.record(new agentops.ActionEvent({ actionType: `a${i}` }));
};

describe('exporter faults, through a misbehaving proxy in front of the real server', () => {
  it('server refusing connections, back within the retry window: nothing is lost', async () => {
    const { server, proxy, init } = await setup();
    await proxy.down();
    const s = init();
    record(s, 50);
    await new Promise((r) => setTimeout(r, 800));
    await proxy.up();
    const cost = await s.endSession('Success');
    expect(cost).toBe('0.000000');
    const stats = await server.stats(s.id);
    expect(stats.event_counts.actions).toBe(50);
    expect(stats.end_state).toBe('Success');
    expect(agentops.getDroppedEventCount()).toBe(0);
  });

  it('503 with Retry-After is retried after the time the server asked for', async () => {
    const { server, proxy, init } = await setup();
    const s = init();
    await new Promise((r) => setTimeout(r, 200)); // let create_session through
    proxy.set('status', { status: 503, headers: { 'retry-after': '1' }, count: 2 });
    const t0 = Date.now();
    record(s, 10);
    await s.endSession('Success');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900); // two waits of at least one second each
    expect(proxy.seen.filter((r) => r.status === 503)).toHaveLength(2);
    expect((await server.stats(s.id)).event_counts.actions).toBe(10);
  });

  it('hanging responses are abandoned after the request timeout and retried', async () => {
    const { server, proxy, init } = await setup({ requestTimeoutMs: 300 });
    const s = init();
    await new Promise((r) => setTimeout(r, 200));
    proxy.set('hang', { count: 2 });
    record(s, 10);
    await s.endSession('Success');
    expect(proxy.seen.filter((r) => r.status === 'hang')).toHaveLength(2);
    expect((await server.stats(s.id)).event_counts.actions).toBe(10);
  });

  it('an expired JWT is re-authorized once and the request retried', async () => {
    const { server, proxy, init } = await setup({ jwtTtlSeconds: 1 });
    const s = init();
    record(s, 5);
    await agentops.flush();
    await new Promise((r) => setTimeout(r, 2100));
    record(s, 5);
    await s.endSession('Success');
    expect(proxy.seen.some((r) => r.url === '/v2/reauthorize_jwt' && r.status === 200)).toBe(true);
    expect(proxy.seen.some((r) => r.status === 401)).toBe(true);
    expect((await server.stats(s.id)).event_counts.actions).toBe(10);
  });

  it('batches in flight together that meet the same expired JWT share one re-authorization', async () => {
    const { server, proxy } = await setup({ jwtTtlSeconds: 1 });
    const api = new agentops.AgentOpsExporter({ endpoint: proxy.url, apiKey: server.apiKey }).api;
    const sessionId = crypto.randomUUID();
    await api.createSession({ session_id: sessionId } as Parameters<typeof api.createSession>[0]);
    await new Promise((r) => setTimeout(r, 2100));
    const action = (id: string) => ({ id, event_type: 'actions', action_type: 'a', init_timestamp: new Date().toISOString(), end_timestamp: new Date().toISOString() });
    await Promise.all([1, 2, 3].map(() => api.createEvents(sessionId, [action(crypto.randomUUID())] as Parameters<typeof api.createEvents>[1])));
    expect(proxy.seen.filter((r) => r.url === '/v2/create_events' && r.status === 401)).toHaveLength(3);
    expect(proxy.seen.filter((r) => r.url === '/v2/reauthorize_jwt')).toHaveLength(1);
    expect((await server.stats(sessionId)).event_counts.actions).toBe(3);
  });

  it('server down for good: nothing throws, memory stays bounded by maxQueueSize, every drop is counted and reported', async () => {
    const { proxy, init } = await setup({ retryWindowMs: 300, maxQueueSize: 100 });
    await proxy.down();
    const warnings = captureWarnings();
    const s = init();
    expect(() => record(s, 2000)).not.toThrow();
    await expect(s.endSession('Success')).resolves.toBe('0.000000');
    await agentops.flush();
    // 2000 actions + the session span were offered; at most the queue (100) could wait, the rest was dropped.
    expect(agentops.getDroppedEventCount()).toBe(2001);
    expect(warnings()).toMatch(/dropped/);
  });

  it('a refusal (4xx other than 401/429) is not retried and reported once with the server message', async () => {
    const { proxy, init } = await setup();
    proxy.set('status', { status: 400 });
    const warnings = captureWarnings();
    const s = init();
    record(s, 3);
    await agentops.flush();
    record(s, 3);
    await s.endSession('Success');
    const text = warnings();
    expect(text.match(/proxy says 400/g)).toHaveLength(1);
    expect(proxy.seen.filter((r) => r.url === '/v2/create_session').length).toBeGreaterThanOrEqual(1);
    expect(agentops.getDroppedEventCount()).toBe(7);
  });
});

describe('awaiting endSession while the server is down', () => {
  it('keeps a top-level await alive until the bounded flush ends: the app exits 0, not 13', async () => {
    const { execFile } = await import('node:child_process');
    const code = `
      import * as agentops from '@agentops/otel';
      const s = agentops.init({ exporter: new agentops.AgentOpsExporter({ endpoint: 'http://127.0.0.1:9', apiKey: '6f2b8a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b', retryWindowMs: 500 }), logLevel: 'error', maxWaitTime: 50 });
      s.record(new agentops.ActionEvent({ actionType: 'x' }));
      const cost = await s.endSession('Success');
      console.log('resolved', cost, agentops.getDroppedEventCount());`;
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = execFile(process.execPath, ['--input-type=module', '-e', code], { cwd: __dirname }, (err, out) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out }),
      );
      child.stdin?.end();
    });
    expect(result.out.trim()).toBe('resolved 0.000000 2');
    expect(result.code).toBe(0);
  });
});
