// Real AgentOps clients arrive whole: raw v2 requests shaped exactly as the AgentOps Python SDK 0.3 sends them,
// and joins by a second process of our own SDK. Sessions merge, never regress; a missing cost is priced;
// unknown stays unknown.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as agentops from '@agentops/otel';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function post(p: string, body: unknown, headers: Record<string, string>) {
  const res = await fetch(server.url + p, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The session body the Python SDK 0.3 sends on every create_session (a join included). */
const pySession = (id: string, extra: Record<string, unknown> = {}) => ({
  session: {
    session_id: id,
    init_timestamp: new Date().toISOString(),
    end_timestamp: null,
    end_state: 'Indeterminate',
    end_state_reason: null,
    tags: [],
    video: null,
    host_env: { SDK: { 'AgentOps SDK Version': '0.3.26', 'Python Version': '3.12.1' }, OS: { OS: 'Linux' } },
    ...extra,
  },
});
const key = () => ({ 'x-agentops-api-key': server.apiKey });
const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` });

describe('the AgentOps Python SDK 0.3, replayed', () => {
  it('an LLM event with "cost": null is priced by the server as our SDK prices it; update_session answers that cost', async () => {
    const id = randomUUID();
    const { body } = await post('/v2/create_session', pySession(id, { tags: ['py'] }), key());
    const llm = {
      id: randomUUID(),
      event_type: 'llms',
      init_timestamp: new Date().toISOString(),
      end_timestamp: new Date().toISOString(),
      thread_id: null,
      prompt: [{ role: 'user', content: 'hi' }],
      completion: { role: 'assistant', content: 'hello' },
      model: 'gpt-4o-mini',
      prompt_tokens: 1234,
      completion_tokens: 567,
      cost: null,
      params: {},
      returns: {},
      agent_id: null,
    };
    expect((await post('/v2/create_events', { events: [llm] }, bearer(body.jwt))).status).toBe(200);
    const end = await post('/v2/update_session', pySession(id, { tags: ['py'], end_timestamp: new Date().toISOString(), end_state: 'Success' }), bearer(body.jwt));
    expect(end.body.token_cost).toBe('0.000525');
    const ours = agentops.startSession();
    ours.record(new agentops.LLMEvent({ model: 'gpt-4o-mini', promptTokens: 1234, completionTokens: 567 }));
    expect(await ours.endSession('Success')).toBe('0.000525');
    const stats = await server.stats(id);
    expect(stats).toMatchObject({ cost: '0.000525', unpriced_llm_calls: 0 });
  });

  it('a live Python session (end_state "Indeterminate", no end_timestamp) is running in the list and the stats', async () => {
    const id = randomUUID();
    const tag = `live-${id}`;
    await post('/v2/create_session', pySession(id, { tags: [tag] }), key());
    const listed = (await server.get(`/v2/sessions?tag=${tag}`)).body.sessions;
    expect(listed).toHaveLength(1);
    expect(listed[0].end_state).toBeNull();
    expect((await server.get(`/v2/sessions?tag=${tag}&end_state=Running`)).body.sessions).toHaveLength(1);
    expect((await server.stats(id)).end_state).toBeNull();
  });

  it('a join (create_session of a known id, tags [] and Indeterminate) never removes tags, never reopens or changes an end, never moves the start later', async () => {
    const id = randomUUID();
    const start = new Date(Date.now() - 60_000).toISOString();
    const first = await post('/v2/create_session', pySession(id, { tags: ['parent', 'py'], init_timestamp: start }), key());
    await post('/v2/update_session', pySession(id, { tags: ['parent', 'py'], init_timestamp: start, end_timestamp: new Date().toISOString(), end_state: 'Failure', end_state_reason: 'boom' }), bearer(first.body.jwt));
    const join = await post('/v2/create_session', pySession(id, { tags: ['child'] }), key());
    expect(join.status).toBe(200);
    const exp = await server.export(id);
    expect(exp.session.tags.sort()).toEqual(['child', 'parent', 'py']);
    expect(exp.session).toMatchObject({ end_state: 'Failure', end_state_reason: 'boom', init_timestamp: start });
    expect((await server.get(`/v2/sessions?tag=parent`)).body.sessions.map((s: { session_id: string }) => s.session_id)).toContain(id);
  });

  it('a model the price table does not know is unpriced, not free: cost is the priced part, unpriced_llm_calls says how many', async () => {
    const id = randomUUID();
    const tag = `unpriced-${id}`;
    const { body } = await post('/v2/create_session', pySession(id, { tags: [tag] }), key());
    const ev = (model: string) => ({ id: randomUUID(), event_type: 'llms', init_timestamp: new Date().toISOString(), model, prompt_tokens: 1000, completion_tokens: 100, cost: null });
    await post('/v2/create_events', { events: [ev('gpt-4o-mini'), ev('my-private-model-7b')] }, bearer(body.jwt));
    const stats = await server.stats(id);
    expect(stats.unpriced_llm_calls).toBe(1);
    expect(stats.cost).toBe('0.000210');
    const listed = (await server.get(`/v2/sessions?tag=${tag}`)).body.sessions[0];
    expect(listed).toMatchObject({ cost: '0.000210', unpriced_llm_calls: 1 });
    const overview = (await server.get('/v2/overview?days=1')).body;
    expect(overview.models.find((m: { model: string }) => m.model === 'my-private-model-7b')).toMatchObject({ calls: 1, unpriced_llm_calls: 1 });
  });
});

describe('joins by a second process of our SDK', () => {
  it("the child's join and its own end leave the parent's tags and end as they were", async () => {
    await agentops.shutdown();
    const parent = agentops.init({ apiKey: server.apiKey, endpoint: server.url, tags: ['parent-proc'], logLevel: 'warn', maxWaitTime: 50 });
    parent.record(new agentops.ActionEvent({ actionType: 'parent' }));
    await parent.endSession('Failure', 'parent failed');
    await promisify(execFile)(process.execPath, [path.join(__dirname, 'fixtures', 'inherited-server.mjs')], {
      env: { ...process.env, AGENTOPS_API_KEY: server.apiKey, AGENTOPS_API_ENDPOINT: server.url, AGENTOPS_INHERITED_SESSION_ID: parent.id },
    });
    const exp = await server.export(parent.id);
    expect(exp.session).toMatchObject({ tags: ['parent-proc'], end_state: 'Failure', end_state_reason: 'parent failed' });
    expect(exp.stats.event_counts).toMatchObject({ actions: 4, llms: 1 });
    await agentops.shutdown();
  });
});
