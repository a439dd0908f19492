// One bad value from a model or a tool never costs the rest: the SDK keeps to the server's bounds.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('the SDK against hostile answers', () => {
  it('usage of 2e12 and -50 tokens, a 5,000-character model, a tool returning 12 KB of brackets: everything else arrives, the session ends on the server', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(__dirname, 'fixtures', 'hostile-app.cjs')], {
      env: { ...process.env, AGENTOPS_API_KEY: server.apiKey, AGENTOPS_API_ENDPOINT: server.url },
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as { id: string; cost: string; failure: string; dropped: number };
    expect(out.dropped).toBe(0);
    const exp = await server.export(out.id);
    expect(exp.session).toMatchObject({ end_state: 'Success', end_state_reason: 'done' });
    expect(exp.stats.event_counts.actions).toBe(20);
    expect(exp.tools).toHaveLength(1);
    expect(typeof exp.tools[0].returns).toBe('string'); // never parsed back into 6,000 levels of arrays
    const hostile = exp.llms.find((l: { prompt_tokens: number }) => l.prompt_tokens === 1e12);
    expect(hostile).toBeDefined();
    expect(hostile.completion_tokens).toBe(0);
    expect(hostile.model.length).toBeLessThanOrEqual(1000);
    expect(hostile.agentops_adjusted.join('\n')).toMatch(/prompt_tokens: 2000000000000 was clamped to 1000000000000/);
    expect(Number(exp.stats.cost)).toBeGreaterThanOrEqual(0);
    // A 200 whose body is not JSON: the app gets the client's own error, AgentOps an LLM event and an error event.
    expect(out.failure).toBe('SyntaxError');
    const failed = exp.llms.find((l: { model: string }) => l.model === 'invalid-json');
    expect(failed).toBeDefined();
    expect(exp.errors.map((e: { error_type: string; trigger_event_id: string }) => [e.error_type, e.trigger_event_id])).toContainEqual(['SyntaxError', failed.id]);
    // A stream created and never read is still a call: its LLM event is there, ended with the session.
    expect(exp.llms.filter((l: { model: string }) => l.model?.startsWith('gpt-4o-mini'))).toHaveLength(1);
  });
});

describe('a batch the server refuses as a whole', () => {
  it('is split until the one refused event is found: it alone is dropped, counted and reported', async () => {
    const agentops = await import('@agentops/otel');
    // In front of the real server: refuses (400) any create_events that holds the "poison" event.
    const http = await import('node:http');
    const proxy = http.createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', async () => {
        const body = Buffer.concat(parts);
        if (req.url === '/v2/create_events' && body.includes('"poison"')) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, message: 'refused: poison' }));
          return;
        }
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== "host" && k !== "content-length")) as Record<string, string>;
        const upstream = await fetch(server.url + req.url, { method: req.method, headers, body: req.method === "GET" ? undefined : body });
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(Buffer.from(await upstream.arrayBuffer()));
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    try {
      const s = agentops.init({ apiKey: server.apiKey, endpoint, logLevel: 'silent', maxWaitTime: 50 });
      for (let i = 0; i < 20; i++) s.record(new agentops.ActionEvent({ actionType: i === 7 ? 'poison' : `fine-${i}` }));
      await s.endSession('Success');
      expect(agentops.getDroppedEventCount()).toBe(1);
      const exp = await server.export(s.id);
      expect(exp.stats.event_counts.actions).toBe(19);
      expect(exp.actions.map((a: { action_type: string }) => a.action_type)).not.toContain('poison');
      expect(exp.session.end_state).toBe('Success');
    } finally {
      await agentops.shutdown();
      proxy.close();
    }
  });
});

describe('answers that are not what an AgentOps API says', () => {
  async function fakeApi(onEvents: (res: import('node:http').ServerResponse, sent: { bytes: number }) => void) {
    const http = await import('node:http');
    const sent = { bytes: 0 };
    const srv = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/v2/create_session') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'Success', jwt: 'j' }));
        else if (req.url === '/v2/create_events') onEvents(res, sent);
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', token_cost: '0.000000' }));
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return { srv, sent, url: `http://127.0.0.1:${(srv.address() as { port: number }).port}` };
  }

  it('a 200 saying {"status":"Failure"} is a refusal: the events are counted as dropped', async () => {
    const agentops = await import('@agentops/otel');
    const api = await fakeApi((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"Failure"}'));
    try {
      const s = agentops.init({ apiKey: server.apiKey, endpoint: api.url, logLevel: 'silent', maxWaitTime: 50 });
      for (let i = 0; i < 3; i++) s.record(new agentops.ActionEvent({ actionType: `a${i}` }));
      await s.endSession('Success');
      expect(agentops.getDroppedEventCount()).toBe(4); // the three events and the session end behind them
    } finally {
      await agentops.shutdown();
      api.srv.close();
    }
  });

  it('a 300 MB answer is not read past 1 MiB: the events are counted as dropped, the app keeps its memory', async () => {
    const agentops = await import('@agentops/otel');
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const api = await fakeApi((res, sent) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const pump = () => {
        while (sent.bytes < 300 * 1024 * 1024 && !res.destroyed) {
          sent.bytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => undefined);
      pump();
    });
    try {
      const s = agentops.init({ apiKey: server.apiKey, endpoint: api.url, logLevel: 'silent', maxWaitTime: 50 });
      s.record(new agentops.ActionEvent({ actionType: 'x' }));
      await s.endSession('Success');
      expect(agentops.getDroppedEventCount()).toBe(2); // the event and the session end behind it
      expect(api.sent.bytes).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await agentops.shutdown();
      api.srv.closeAllConnections();
      api.srv.close();
    }
  });
});
