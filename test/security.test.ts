import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '@agentops/server';
import { freshDatabase, STORES } from './helpers/postgres.js';
import { startTestServer } from './helpers/server.js';

describe('secrets', () => {
  it('no API key or JWT ever appears in a span, an event, a log line or the database in clear', async () => {
    const server = await startTestServer();
    const bodies: string[] = [];
    const collector = http.createServer((req, res) => {
      let b = '';
      req.on('data', (d) => (b += d));
      req.on('end', () => {
        bodies.push(b);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    try {
      const { stderr, stdout } = await new Promise<{ stderr: string; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, ['--require', '@agentops/otel/register', 'index.cjs'], {
          cwd: path.join(__dirname, '..', 'examples', 'zero-code'),
          env: {
            ...process.env,
            AGENTOPS_API_KEY: server.apiKey,
            AGENTOPS_API_ENDPOINT: server.url,
            AGENTOPS_LOG_LEVEL: 'debug',
            OPENAI_API_KEY: '',
            OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
            OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          },
        });
        let err = '';
        let out = '';
        child.stderr.on('data', (d) => (err += d));
        child.stdout.on('data', (d) => (out += d));
        child.on('exit', () => resolve({ stderr: err, stdout: out }));
      });
      expect(stdout).toContain('Agent:');
      const id = /session ([0-9a-f-]{36}) started/.exec(stderr)![1];
      expect((await server.stats(id)).event_counts.llms).toBe(2);
      await server.close();
      const dir = path.dirname(server.db);
      const db = readdirSync(dir)
        .filter((f) => f.startsWith(path.basename(server.db)))
        .map((f) => readFileSync(path.join(dir, f)).toString('latin1'))
        .join('');
      const spans = bodies.join('\n');
      expect(spans).toContain('gen_ai.request.model'); // the spans were seen...
      for (const [where, text] of [['log lines', stderr + stdout], ['spans', spans], ['database', db]] as const) {
        expect(text, where).not.toContain(server.apiKey); // ...and hold no key
        expect(text, where).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/); // nor a JWT
        expect(text, where).not.toMatch(/Bearer\s/);
      }
      expect(db).toContain(id);
    } finally {
      collector.close();
    }
  });
});

describe.each(STORES)('project isolation on every endpoint (%s store)', (kind) => {
  it("a key of project B sees and touches nothing of project A's", async () => {
    const server = await startTestServer({ project: 'A', ...(kind === 'postgres' ? { db: await freshDatabase() } : {}) });
    const keyB = randomUUID();
    const seed = await openStore(server.db);
    await seed.addApiKey(keyB, 'B');
    await seed.close();
    const sessionA = randomUUID();
    const post = (url: string, body: unknown, headers: Record<string, string>) =>
      fetch(server.url + url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const created = (await (await post('/v2/create_session', { session: { session_id: sessionA, tags: ['secret-a'] } }, { 'x-agentops-api-key': server.apiKey })).json()) as { jwt: string };
    await post('/v2/create_events', { events: [{ id: 'a1', event_type: 'llms', init_timestamp: new Date().toISOString(), model: 'model-of-a', cost: 1 }] }, { authorization: `Bearer ${created.jwt}` });
    const B = { 'x-agentops-api-key': keyB };
    const get = (url: string) => fetch(server.url + url, { headers: B });

    expect((await get(`/v2/sessions/${sessionA}/stats`)).status).toBe(404);
    expect((await get(`/v2/sessions/${sessionA}/export`)).status).toBe(404);
    expect(JSON.stringify(await (await get('/v2/sessions')).json())).not.toContain(sessionA);
    expect(JSON.stringify(await (await get('/v2/sessions?tag=secret-a')).json())).toBe('{"sessions":[]}');
    expect(JSON.stringify(await (await get('/v2/overview')).json())).not.toContain('model-of-a');
    expect((await post('/v2/reauthorize_jwt', { session_id: sessionA }, B)).status).toBe(404);
    expect((await post('/v2/create_session', { session: { session_id: sessionA } }, B)).status).toBe(404);
    // OTLP ingest under B's key that names A's session is refused, and A's session is unchanged.
    const tokenB = ((await (await post('/v3/auth/token', { api_key: keyB }, {})).json()) as { token: string }).token;
    const otlp = {
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: sessionA.replace(/-/g, ''), spanId: '1111111111111111', name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2', attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'injected' } }] }] }] }],
    };
    expect((await post('/v1/traces', otlp, { authorization: `Bearer ${tokenB}` })).status).toBe(404);
    const statsA = await server.stats(sessionA);
    expect(statsA.event_counts.llms).toBe(1);
    // A session token of A is no key of B's and opens nothing of B's; the dashboard page carries no data.
    expect((await fetch(`${server.url}/v2/sessions`, { headers: { 'x-agentops-api-key': created.jwt } })).status).toBe(400);
    expect(await (await fetch(`${server.url}/sessions/${sessionA}`)).text()).not.toContain('secret-a');
    await server.close();
  });
});
