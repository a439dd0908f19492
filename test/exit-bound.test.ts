// A finished app is not kept alive by AgentOps when the endpoint is down or misbehaving: with the default
// configuration, the process exits within the documented bound (maxWaitTime + 5 s) after its last line.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BOUND_MS = 2000 + 5000; // maxWaitTime's default + 5 s, as the README says
const servers: http.Server[] = [];
const endpoints: Record<string, string> = {};

async function serve(name: string, handler: http.RequestListener) {
  const s = http.createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  servers.push(s);
  endpoints[name] = `http://127.0.0.1:${(s.address() as { port: number }).port}`;
}

beforeAll(async () => {
  await serve('502', (_q, r) => r.writeHead(502).end('bad gateway'));
  await serve('an HTML 200', (_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<html>portal</html>'));
  await serve('an invalid-JSON 200', (_q, r) => r.writeHead(200, { 'content-type': 'application/json' }).end('{"jwt":'));
  // A port nothing listens on.
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  endpoints.refused = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
  await new Promise<void>((r) => closed.close(() => r()));
});
afterAll(() => servers.forEach((s) => s.close()));

function runApp(endpoint: string, mode: 'await' | 'natural') {
  return new Promise<{ afterLastLineMs: number; stderr: string; code: number | null }>((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'exit-down.mjs'), mode], {
      env: { ...process.env, AGENTOPS_API_KEY: randomUUID(), AGENTOPS_API_ENDPOINT: endpoint, AGENTOPS_LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      const last = Number(/LAST (\d+)/.exec(stdout)?.[1]);
      resolve({ afterLastLineMs: Date.now() - last, stderr, code });
    });
  });
}

describe('exit within the bound with the default configuration', () => {
  it.each(['refused', '502', 'an HTML 200', 'an invalid-JSON 200'])('endpoint %s: after the last await, and at a natural end', async (name) => {
    const [awaited, natural] = await Promise.all([runApp(endpoints[name], 'await'), runApp(endpoints[name], 'natural')]);
    for (const r of [awaited, natural]) {
      expect(r.code).toBe(0);
      expect(r.afterLastLineMs).toBeLessThan(BOUND_MS);
    }
    if (name === 'refused') expect(awaited.stderr).toMatch(/connection refused by http:\/\/127\.0\.0\.1:\d+/);
  }, 30_000);

  it('an endpoint that is not a URL is reported at init() and never tried', async () => {
    const r = await runApp('127.0.0.1:8710', 'await');
    expect(r.stderr).toMatch(/the endpoint "127\.0\.0\.1:8710" is not an http\(s\) URL/);
    expect(r.afterLastLineMs).toBeLessThan(BOUND_MS);
  });
});
