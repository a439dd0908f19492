import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { rootSpanIdFor, traceIdToUuid } from '@agentops/model';
import { describe, expect, it } from 'vitest';
import * as agentops from '../src/index.js';
import { byKind, captureStderr, initInMemory, resetAfterEach } from './helpers.js';

resetAfterEach();

describe('Session', () => {
  it('is a root span whose trace id is the session id; events are its children with their own times', async () => {
    const { session, spans } = initInMemory({ tags: ['demo'], defaultTags: ['base'] });
    expect(session).toBeDefined();
    const s = session!;
    expect(s.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(s.tags).toEqual(['base', 'demo']);

    const start = Date.now() - 1000;
    const action = new agentops.ActionEvent({ actionType: 'search', params: { q: 'x' }, returns: ['a'], initTimestamp: start });
    action.endTimestamp = start + 250;
    s.record(action);
    s.record(new agentops.ToolEvent({ name: 'calc', params: { a: 1 }, returns: 2, logs: 'ok' }));
    await s.endSession('Success', 'done');

    const all = await spans();
    const [root] = byKind(all, 'session');
    expect(root.name).toBe('session');
    expect(root.kind).toBe(SpanKind.INTERNAL);
    expect(root.parentSpanContext).toBeUndefined();
    expect(traceIdToUuid(root.spanContext().traceId)).toBe(s.id);
    expect(root.spanContext().spanId).toBe(rootSpanIdFor(s.id));
    expect(root.attributes['agentops.session.id']).toBe(s.id);
    expect(root.attributes['agentops.tags']).toEqual(['base', 'demo']);
    expect(root.attributes['agentops.session.end_state']).toBe('Success');
    expect(root.attributes['agentops.session.end_state_reason']).toBe('done');
    expect(root.status.code).toBe(SpanStatusCode.OK);

    const [a] = byKind(all, 'action');
    expect(a.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(a.spanContext().traceId).toBe(root.spanContext().traceId);
    expect(a.attributes['agentops.event.id']).toBe(action.id);
    expect(a.attributes['agentops.action.action_type']).toBe('search');
    expect(a.attributes['agentops.action.params']).toBe('{"q":"x"}');
    expect(a.attributes['agentops.action.returns']).toBe('["a"]');
    const startMs = a.startTime[0] * 1000 + a.startTime[1] / 1e6;
    const endMs = a.endTime[0] * 1000 + a.endTime[1] / 1e6;
    expect(Math.round(startMs)).toBe(start);
    expect(Math.round(endMs - startMs)).toBe(250);

    const [t] = byKind(all, 'tool');
    expect(t.name).toBe('execute_tool calc');
    expect(t.attributes['agentops.tool.name']).toBe('calc');
    expect(t.attributes['agentops.tool.logs']).toBe('ok');
  });

  it('error events and failed sessions carry status ERROR', async () => {
    const { session, spans } = initInMemory();
    const s = session!;
    const trigger = new agentops.ToolEvent({ name: 'fetch' });
    s.record(trigger);
    s.record(new agentops.ErrorEvent({ triggerEvent: trigger, exception: new RangeError('too far') }));
    s.record(new agentops.ErrorEvent({ errorType: 'Timeout', code: 'E42', details: 'slow' }));
    await s.endSession('Fail', 'broke');
    const all = await spans();
    const errors = byKind(all, 'error');
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => e.status.code === SpanStatusCode.ERROR)).toBe(true);
    expect(errors[0].attributes['agentops.error.error_type']).toBe('RangeError');
    expect(errors[0].attributes['agentops.error.details']).toBe('too far');
    expect(errors[0].attributes['agentops.error.trigger_event_id']).toBe(trigger.id);
    expect(errors[0].attributes['agentops.error.trigger_event_type']).toBe('tools');
    expect(String(errors[0].attributes['agentops.error.logs'])).toContain('RangeError: too far');
    expect(errors[1].attributes['agentops.error.code']).toBe('E42');
    const [root] = byKind(all, 'session');
    expect(s.endState).toBe('Failure');
    expect(root.attributes['agentops.session.end_state']).toBe('Failure');
    expect(root.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('an Indeterminate session has status UNSET', async () => {
    const { session, spans } = initInMemory();
    await session!.endSession('Indeterminate');
    const [root] = byKind(await spans(), 'session');
    expect(root.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('getAnalytics() counts locally, with exactly the AgentOps keys', async () => {
    const { session } = initInMemory();
    const s = session!;
    s.record(new agentops.LLMEvent({ model: 'gpt-4o-mini', promptTokens: 1000, completionTokens: 100 }));
    s.record(new agentops.ToolEvent({ name: 't' }));
    s.record(new agentops.ActionEvent({ actionType: 'a' }));
    s.record(new agentops.ActionEvent({ actionType: 'b' }));
    s.record(new agentops.ErrorEvent({ details: 'x' }));
    const analytics = s.getAnalytics();
    expect(Object.keys(analytics)).toEqual(['LLM calls', 'Tool calls', 'Actions', 'Errors', 'Duration', 'Cost']);
    expect(analytics).toMatchObject({ 'LLM calls': 1, 'Tool calls': 1, Actions: 2, Errors: 1 });
    expect(analytics.Duration).toMatch(/^(\d+h )?(\d+m )?\d+\.\ds$/);
    expect(analytics.Cost).toMatch(/^\d+\.\d{6}$/);
    expect(Number(analytics.Cost)).toBeGreaterThan(0);
  });

  it('an invalid end state is a clear error naming the allowed values, and the session stays open', async () => {
    const { session, spans } = initInMemory();
    const s = session!;
    // @ts-expect-error: not an end state
    await expect(s.endSession('Done')).rejects.toThrow(/invalid end state "Done".*'Success', 'Failure', 'Indeterminate'/);
    expect(s.ended).toBe(false);
    s.record(new agentops.ActionEvent({ actionType: 'still-open' }));
    expect(byKind(await spans(), 'action')).toHaveLength(1);
    await expect(s.endSession('Success')).resolves.toBe('0.000000');
  });

  it('a second endSession warns and resolves to the same cost; record after the end warns and is ignored', async () => {
    const { session, spans } = initInMemory();
    const s = session!;
    s.record(new agentops.LLMEvent({ model: 'gpt-4o-mini', promptTokens: 10, completionTokens: 10, cost: 0.00045 }));
    const err = captureStderr();
    expect(await s.endSession('Success')).toBe('0.000450');
    expect(await s.endSession('Failure')).toBe('0.000450');
    expect(s.endState).toBe('Success');
    s.record(new agentops.ActionEvent({ actionType: 'late' }));
    s.record(new agentops.ActionEvent({ actionType: 'later' }));
    err.restore();
    expect(err.text()).toMatch(/already ended/);
    expect(err.text().match(/record\(\) after endSession\(\)/g)).toHaveLength(1);
    expect(byKind(await spans(), 'action')).toHaveLength(0);
  });

  it('addTags merges, setTags overrides, and the root span shows the final tags; setVideo and createAgent', async () => {
    const { session, spans } = initInMemory({ tags: ['a'] });
    const s = session!;
    s.addTags(['b', 'a']);
    expect(s.tags).toEqual(['a', 'b']);
    s.setTags(['y']);
    expect(s.tags).toEqual(['y']);
    s.setVideo('https://example.test/v.mp4');
    const agentId = s.createAgent('planner');
    s.record(new agentops.ActionEvent({ actionType: 'x', agentId }));
    await s.endSession('Success');
    const all = await spans();
    const [root] = byKind(all, 'session');
    expect(root.attributes['agentops.tags']).toEqual(['y']);
    expect(root.attributes['agentops.session.video']).toBe('https://example.test/v.mp4');
    const [agent] = byKind(all, 'agent');
    expect(agent.attributes['agentops.agent.id']).toBe(agentId);
    expect(agent.attributes['agentops.agent.name']).toBe('planner');
    expect(byKind(all, 'action')[0].attributes['agentops.agent.id']).toBe(agentId);
  });

  it('module-level endSession ends the only live session and refuses when there are several', async () => {
    initInMemory();
    const second = agentops.startSession({ tags: ['2'] });
    const err = captureStderr();
    expect(await agentops.endSession('Success')).toBeUndefined();
    err.restore();
    expect(err.text()).toMatch(/exactly one live session, there are 2/);
    await second.endSession('Success');
    expect(await agentops.endSession('Success')).toBe('0.000000');
    expect(agentops.getSessions()).toHaveLength(0);
  });

  it('a second init warns and changes nothing', () => {
    const { session } = initInMemory({ tags: ['first'] });
    const err = captureStderr();
    const again = agentops.init({ tags: ['second'] });
    err.restore();
    expect(again).toBe(session);
    expect(agentops.getSessions()).toHaveLength(1);
    expect(err.text()).toMatch(/already called/);
  });

  it('prints the start line with the session URL at log level info, nothing at warn', () => {
    const err = captureStderr();
    const s = agentops.init({ exporter: new InMemorySpanExporter(), apiKey: '6f2b8a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b', logLevel: 'info' });
    err.restore();
    expect(err.text()).toContain(`AgentOps: session ${s!.id} started: http://127.0.0.1:8710/sessions/${s!.id}`);
  });
});

describe('recordAction / recordTool', () => {
  it('record params, returns and timing for sync and async functions, and errors with rethrow', async () => {
    const { spans } = initInMemory();
    const add = agentops.recordAction('add', (a: number, b: number) => a + b);
    const fetchIt = agentops.recordTool('fetch', async (url: string) => {
      await new Promise((r) => setTimeout(r, 30));
      return `body of ${url}`;
    });
    const boom = agentops.recordTool('boom', () => {
      throw new Error('sync boom');
    });
    const reject = agentops.recordAction('reject', async () => {
      throw new TypeError('async boom');
    });
    expect(add(2, 3)).toBe(5);
    expect(await fetchIt('u')).toBe('body of u');
    expect(() => boom()).toThrow('sync boom');
    await expect(reject()).rejects.toThrow('async boom');
    await new Promise((r) => setImmediate(r));
    const all = await spans();
    const actions = byKind(all, 'action');
    const tools = byKind(all, 'tool');
    const errors = byKind(all, 'error');
    const addSpan = actions.find((s) => s.attributes['agentops.action.action_type'] === 'add')!;
    expect(addSpan.attributes['agentops.action.params']).toBe('[2,3]');
    expect(addSpan.attributes['agentops.action.returns']).toBe('5');
    const fetchSpan = tools.find((s) => s.attributes['agentops.tool.name'] === 'fetch')!;
    expect(fetchSpan.attributes['agentops.tool.returns']).toBe('body of u');
    const ms = (fetchSpan.endTime[0] - fetchSpan.startTime[0]) * 1000 + (fetchSpan.endTime[1] - fetchSpan.startTime[1]) / 1e6;
    expect(ms).toBeGreaterThanOrEqual(25);
    expect(errors.map((e) => e.attributes['agentops.error.details']).sort()).toEqual(['async boom', 'sync boom']);
    const boomSpan = tools.find((s) => s.attributes['agentops.tool.name'] === 'boom')!;
    expect(errors.find((e) => e.attributes['agentops.error.details'] === 'sync boom')!.attributes['agentops.error.trigger_event_id']).toBe(
      boomSpan.attributes['agentops.event.id'],
    );
  });

  it('a non-function is a clear error', () => {
    // @ts-expect-error: not a function
    expect(() => agentops.recordAction('x', 42)).toThrow(/needs a function as fn; got number/);
  });
});
