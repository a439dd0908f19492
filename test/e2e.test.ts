import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as agentops from '@agentops/otel';
import { eventually, startTestServer, type TestServer } from './helpers/server.js';

// Async, never execFileSync: the server runs in this process and must keep answering the child.
const run = promisify(execFile);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
afterEach(() => agentops.shutdown());

const init = (options: agentops.InitOptions = {}) =>
  agentops.init({ apiKey: server.apiKey, endpoint: server.url, logLevel: 'warn', maxWaitTime: 100, ...options });

describe('SDK → real server over loopback', () => {
  it('a session appears on the server when it starts, not when it ends', async () => {
    const s = init({ tags: ['live'] })!;
    const listed = await eventually(async () => {
      const { body } = await server.get('/v2/sessions?tag=live');
      return body.sessions.find((x: { session_id: string }) => x.session_id === s.id);
    });
    expect(listed.end_state).toBeNull();
    await eventually(async () => s.projectId);
    await s.endSession('Success');
  });

  it('every event type arrives; export and stats are exactly what was recorded; endSession returns the server cost', async () => {
    const s = init({ tags: ['a', 'b'] })!;
    const agentId = s.createAgent('researcher');
    const tool = new agentops.ToolEvent({ name: 'calc', params: { x: 2 }, returns: 4, agentId });
    s.record(tool);
    s.record(new agentops.ActionEvent({ actionType: 'search', params: { q: 'paris' }, returns: ['sunny'], screenshot: 'data:image/png;base64,AA==' }));
    s.record(new agentops.LLMEvent({ model: 'gpt-4o-mini', provider: 'openai', prompt: [{ role: 'user', content: 'hi' }], completion: 'hello', promptTokens: 1200, completionTokens: 150, cacheReadTokens: 200 }));
    s.record(new agentops.LLMEvent({ model: 'claude-sonnet-4-20250514', provider: 'anthropic', promptTokens: 3000, completionTokens: 500, reasoningTokens: 120 }));
    s.record(new agentops.ErrorEvent({ triggerEvent: tool, exception: new Error('calc overflow') }));
    s.setTags(['final']);
    const local = s.getAnalytics().Cost;
    const cost = await s.endSession('Failure', 'gave up');

    const stats = await server.stats(s.id);
    expect(cost).toBe(stats.cost);
    expect(cost).toBe(local);
    expect(Number(cost)).toBeGreaterThan(0);
    expect(stats).toMatchObject({
      events: 5,
      prompt_tokens: 4200,
      completion_tokens: 650,
      cache_read_tokens: 200,
      reasoning_tokens: 120,
      total_tokens: 4850,
      errors: 1,
      event_counts: { llms: 2, actions: 1, tools: 1, errors: 1 },
      end_state: 'Failure',
    });
    expect(stats.duration_ms).toBeGreaterThanOrEqual(0);

    const exp = await server.export(s.id);
    expect(exp.session).toMatchObject({ session_id: s.id, end_state: 'Failure', end_state_reason: 'gave up', tags: ['final'] });
    expect(exp.session.host_env.SDK.Name).toBe('@agentops/otel');
    expect(exp.tools[0]).toMatchObject({ id: tool.id, name: 'calc', params: { x: 2 }, returns: 4, agent_id: agentId });
    expect(exp.actions[0]).toMatchObject({ action_type: 'search', params: { q: 'paris' }, returns: ['sunny'], screenshot: 'data:image/png;base64,AA==' });
    const gpt = exp.llms.find((e: { model: string }) => e.model === 'gpt-4o-mini');
    expect(gpt).toMatchObject({ prompt: [{ role: 'user', content: 'hi' }], completion: 'hello', prompt_tokens: 1200, completion_tokens: 150 });
    expect(exp.errors[0]).toMatchObject({ error_type: 'Error', details: 'calc overflow', trigger_event_id: tool.id, trigger_event_type: 'tools' });
    expect(exp.agents).toEqual([{ id: agentId, name: 'researcher' }]);

    // The REST helpers of the SDK read the same endpoints.
    expect(await agentops.getSessionStats(s.id)).toEqual(stats);
    expect(((await agentops.exportSession(s.id)) as { session: { session_id: string } }).session.session_id).toBe(s.id);
  });

  it('two concurrent sessions keep their own events', async () => {
    init({ autoStartSession: false });
    const a = agentops.startSession({ tags: ['two-a'] });
    const b = agentops.startSession({ tags: ['two-b'] });
    const work = (n: number) => async () => {
      for (let i = 0; i < n; i++) {
        await new Promise((r) => setTimeout(r, 1));
        agentops.record(new agentops.ActionEvent({ actionType: 'step' }));
      }
    };
    await Promise.all([a.run(work(30)), b.run(work(20))]);
    await Promise.all([a.endSession('Success'), b.endSession('Indeterminate')]);
    expect((await server.stats(a.id)).event_counts.actions).toBe(30);
    expect((await server.stats(b.id)).event_counts.actions).toBe(20);
    expect((await server.stats(b.id)).end_state).toBe('Indeterminate');
  });

  it('a second process joins a session through inheritedSessionId; the server shows one session', async () => {
    const s = init({ tags: ['parent'] })!;
    s.record(new agentops.ActionEvent({ actionType: 'parent-step' }));
    await run(process.execPath, [path.join(__dirname, 'fixtures', 'inherited-server.mjs')], {
      env: { ...process.env, AGENTOPS_API_KEY: server.apiKey, AGENTOPS_API_ENDPOINT: server.url, AGENTOPS_INHERITED_SESSION_ID: s.id },
    });
    const cost = await s.endSession('Success', 'parent done');
    const stats = await server.stats(s.id);
    expect(stats.event_counts).toEqual({ llms: 1, actions: 4, tools: 0, errors: 0 });
    expect(stats.end_state).toBe('Success');
    expect(cost).toBe(stats.cost);
    const exp = await server.export(s.id);
    expect(exp.session.end_state_reason).toBe('parent done');
    expect(exp.session.tags).toEqual(['parent']);
    const { body } = await server.get('/v2/sessions?tag=parent');
    expect(body.sessions.filter((x: { session_id: string }) => x.session_id === s.id)).toHaveLength(1);
  });

  it('process.exit right after recording: the synchronous hand-off delivers everything', async () => {
    const { stdout: out } = await run(process.execPath, [path.join(__dirname, 'fixtures', 'exit-with-server.mjs'), '300'], {
      env: { ...process.env, AGENTOPS_API_KEY: server.apiKey, AGENTOPS_API_ENDPOINT: server.url },
      encoding: 'utf8',
    });
    const id = out.trim();
    const stats = await server.stats(id);
    expect(stats.event_counts.tools).toBe(300);
    expect(stats.end_state).toBe('Indeterminate');
    expect((await server.export(id)).session.end_state_reason).toBe('N/A (process exited without calling endSession)');
  });
});
