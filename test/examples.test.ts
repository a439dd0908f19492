import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function runExample(dir: string, ...args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: path.join(__dirname, '..', 'examples', dir),
      // NODE_ENV as an app runs (the Agents SDK turns its tracing off under `test`, which vitest sets).
      env: { ...process.env, AGENTOPS_API_KEY: server.apiKey, AGENTOPS_API_ENDPOINT: server.url, OPENAI_API_KEY: '', NODE_ENV: 'production' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('examples', () => {
  it('existing-otel: the app keeps its own exporter, LLM calls become AgentOps events, nothing registered twice', async () => {
    const r = await runExample('existing-otel', 'index.cjs');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/The app's own exporter saw: .*chat gpt-4o-mini/);
    expect(r.stderr).not.toMatch(/duplicate registration/i);
    const id = /AgentOps session ([0-9a-f-]{36})/.exec(r.stdout)![1];
    expect(r.stdout).toContain('"LLM calls":1');
    const stats = await server.stats(id);
    expect(stats.event_counts.llms).toBe(1);
    expect(stats.end_state).toBe('Success');
    expect(Number(stats.cost)).toBeGreaterThan(0);
  });

  it('existing-otel-esm: an --import setup file with its own NodeSDK captures the ESM app\'s LLM calls, no loader hook added by hand', async () => {
    const r = await runExample('existing-otel-esm', '--import', './setup.mjs', 'index.mjs');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/warn/);
    expect(r.stdout).toMatch(/The app's own exporter saw: .*chat gpt-4o-mini/);
    expect(r.stdout).toMatch(/The app's own exporter saw: .*session/);
    const id = /AgentOps session ([0-9a-f-]{36})/.exec(r.stdout)![1];
    const stats = await server.stats(id);
    expect(stats.event_counts.llms).toBe(1);
    expect(stats.end_state).toBe('Success');
  });

  it('multi-process: a parent and a child it starts write into one session, with no code for it', async () => {
    const r = await runExample('multi-process', 'parent.mjs');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Worker: The weather');
    const id = /Session ([0-9a-f-]{36}) ended/.exec(r.stdout)![1];
    const exp = await server.export(id);
    expect(exp.stats.event_counts).toMatchObject({ actions: 1, llms: 1 });
    expect(exp.session).toMatchObject({ end_state: 'Success', end_state_reason: 'worker finished', tags: ['multi-process'] });
    expect(Number(exp.stats.cost)).toBeGreaterThan(0);
  });

  it.each([
    // example, what it prints, LLM calls, tool calls, agents
    ['ai-sdk', /Agent \(2 steps\): The weather in Paris/, 2, 1, 0],
    ['openai-agents', /Weather agent: The weather in Paris/, 3, 1, 2],
    ['langgraph', /Agent: The weather in Paris/, 2, 1, 1],
  ])('%s: runs offline with the preload; every model call, tool call and agent is in its session', async (dir, printed, llms, tools, agents) => {
    const r = await runExample(dir, '--import', '@agentops/otel/register', 'index.mjs');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(printed);
    const id = /session ([0-9a-f-]{36}) started/.exec(r.stderr)![1];
    const exp = await server.export(id);
    expect(exp.stats.event_counts).toMatchObject({ llms, tools, errors: 0 });
    expect(exp.agents).toHaveLength(agents);
    expect(exp.llms.every((e: { cost: number }) => e.cost > 0)).toBe(true);
  });
});
