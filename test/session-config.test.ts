// startSession({ config }): one process writes sessions into several projects and servers, each session with its
// own content capture, batching and limits; delivery, the exit hand-off and endSession's cost per session.
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { SqliteStore } from '@agentops/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

let one: TestServer;
let two: TestServer;
const KEY_B = randomUUID();

beforeAll(async () => {
  one = await startTestServer({ project: 'project-a' });
  two = await startTestServer({ project: 'project-c' });
  const store = new SqliteStore(one.db);
  await store.addApiKey(KEY_B, 'project-b');
  await store.close();
});
afterAll(async () => {
  await one.close();
  await two.close();
});

const env = () => ({ ...process.env, KEY_A: one.apiKey, KEY_B, KEY_C: two.apiKey, SERVER_2: two.url, AGENTOPS_API_ENDPOINT: one.url });
const get = async (server: TestServer, p: string, key: string) => {
  const res = await fetch(server.url + p, { headers: { 'x-agentops-api-key': key } });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describe('sessions with configurations of their own', () => {
  let out: { ids: Record<string, string>; costs: Record<string, string>; dropped: number };
  let stderr: string;
  beforeAll(async () => {
    const r = await promisify(execFile)(process.execPath, [path.join(__dirname, 'fixtures', 'two-configs.cjs')], { env: env() });
    out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    stderr = r.stderr;
  });

  it("two API keys of two projects on one server: each project sees only its own session, instrumented calls in each run() included", async () => {
    const a = await get(one, `/v2/sessions/${out.ids.a}/export`, one.apiKey);
    expect(a.body.stats.event_counts).toMatchObject({ llms: 1, actions: 1 });
    expect(JSON.stringify(a.body.llms[0].prompt)).toContain('SECRET-A');
    const b = await get(one, `/v2/sessions/${out.ids.b}/export`, KEY_B);
    expect(b.body.stats.event_counts).toMatchObject({ llms: 1, actions: 1 });
    expect(JSON.stringify(b.body.llms[0].prompt)).toContain('SECRET-B');
    expect((await get(one, `/v2/sessions/${out.ids.b}/stats`, one.apiKey)).status).toBe(404);
    expect((await get(one, `/v2/sessions/${out.ids.a}/stats`, KEY_B)).status).toBe(404);
    expect((await get(one, '/v2/sessions?limit=1000', KEY_B)).body.sessions.map((s: { session_id: string }) => s.session_id)).toEqual([out.ids.b]);
    expect(out.costs.b).toBe(b.body.stats.cost);
    expect(out.dropped).toBe(0);
  });

  it('a session with its own endpoint goes to the second server only', async () => {
    const c = await get(two, `/v2/sessions/${out.ids.c}/export`, two.apiKey);
    expect(c.body.stats.event_counts).toMatchObject({ llms: 1, actions: 1 });
    expect(c.body.session.end_state).toBe('Success');
    expect((await get(one, `/v2/sessions/${out.ids.c}/stats`, one.apiKey)).status).toBe(404);
  });

  it('captureContent: false beside sessions with it on: no prompt text of that session reaches the database', async () => {
    const d = await get(one, `/v2/sessions/${out.ids.d}/export`, one.apiKey);
    expect(d.body.stats.event_counts).toMatchObject({ llms: 1, actions: 1 });
    expect(d.body.llms[0].prompt).toBeNull();
    expect(d.body.llms[0].prompt_tokens).toBeGreaterThan(0);
    const db = readFileSync(one.db).toString('latin1') + readFileSync(`${one.db}-wal`).toString('latin1');
    expect(db).not.toContain('SECRET-D');
    expect(db).toContain('SECRET-A');
  });

  it('a bad value is named, and the value of init() is used instead; nothing else of the session changes', () => {
    expect(stderr).toMatch(/maxQueueSize must be a positive whole number, got -5/);
  });
});

describe('every exit path with two configured sessions', () => {
  it.each([
    ['natural', undefined, 'Indeterminate'],
    ['exit0', undefined, 'Indeterminate'],
    ['signal', 'SIGTERM', 'Failure'],
    ['uncaught', undefined, 'Failure'],
    ['rejection', undefined, 'Failure'],
  ] as const)('%s: both sessions end on their own project with all their events', async (exitPath, signal, endState) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'exit-two-configs.mjs'), exitPath], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (signal && stdout.includes('ready')) child.kill(signal);
    });
    await new Promise((r) => child.on('exit', r));
    const ids = JSON.parse(stdout.split('\n')[0]) as { a: string; b: string };
    for (const [id, key] of [
      [ids.a, one.apiKey],
      [ids.b, KEY_B],
    ]) {
      const exp = await get(one, `/v2/sessions/${id}/export`, key);
      expect(exp.status).toBe(200);
      expect(exp.body.stats.event_counts.actions).toBe(50);
      expect(exp.body.session.end_state).toBe(endState);
    }
  }, 30_000);
});
