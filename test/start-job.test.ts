import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('pnpm start (the README main job)', () => {
  it('starts the server, runs the demo agent against it, prints the session stats, and keeps serving until SIGINT', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'agentops-start-'));
    const child = spawn(process.execPath, [path.join(__dirname, '..', 'scripts', 'start.mjs')], {
      env: { ...process.env, AGENTOPS_SERVER_PORT: '0', AGENTOPS_SERVER_DB: path.join(dir, 'agentops.db'), OPENAI_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr.on('data', () => {});
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('press Ctrl+C to stop')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`start exited early (${code}): ${out}`)));
    });
    const url = /listening on (http:\/\/\S+)/.exec(out)![1];
    const sessionId = /Session ([0-9a-f-]{36}) as the server has it/.exec(out)![1];
    const stats = JSON.parse(out.slice(out.indexOf('{', out.indexOf('as the server has it')), out.indexOf('\nDashboard')));
    // The demo shows what the product records: two LLM calls (the streamed one with its tokens), tool calls, an
    // action and a handoff, an error it recovered from, two agents, ended Success.
    expect(stats).toMatchObject({ session_id: sessionId, end_state: 'Success', event_counts: { llms: 2, tools: 2, actions: 2, errors: 1 }, unpriced_llm_calls: 0 });
    expect(Number(stats.cost)).toBeGreaterThan(0);
    expect(out).toContain('Agent: The weather in Paris');
    const key = /API key of the local project: (\S+)/.exec(out)![1];
    expect(out).toContain(`Dashboard (signed in to the local project): ${url}/#key=${key}`);
    const res = await fetch(`${url}/v2/sessions/${sessionId}/export`, { headers: { 'x-agentops-api-key': key } });
    expect(res.status).toBe(200);
    const exported = (await res.json()) as { agents: Array<{ name: string }>; llms: Array<{ prompt_tokens: number | null; completion_tokens: number | null }> };
    expect(exported.agents.map((a) => a.name).sort()).toEqual(['planner', 'writer']);
    for (const llm of exported.llms) expect(llm.prompt_tokens! > 0 && llm.completion_tokens! > 0).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
  });
});
