import { context } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import * as agentops from '../src/index.js';
import { byKind, captureStderr, initInMemory, resetAfterEach } from './helpers.js';

resetAfterEach();

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('attribution of events to sessions', () => {
  it('interleaved async work of two sessions lands in the right session through the async context', async () => {
    const { spans } = initInMemory({ autoStartSession: false });
    const a = agentops.startSession({ tags: ['a'] });
    const b = agentops.startSession({ tags: ['b'] });

    const work = (label: string) => async () => {
      for (let i = 0; i < 5; i++) {
        await tick(Math.random() * 5);
        agentops.record(new agentops.ActionEvent({ actionType: `${label}-${i}` }));
        await Promise.resolve();
        agentops.recordTool(`${label}-tool`, async () => label)();
      }
    };
    await Promise.all([a.run(work('a')), b.run(work('b')), a.run(work('a'))]);
    await tick(5);
    await Promise.all([a.endSession('Success'), b.endSession('Success')]);

    const all = await spans();
    for (const [session, label, expected] of [
      [a, 'a', 10],
      [b, 'b', 5],
    ] as const) {
      const traceId = session.id.replace(/-/g, '');
      const mine = byKind(all, 'action').filter((s) => s.spanContext().traceId === traceId);
      expect(mine).toHaveLength(expected);
      expect(mine.every((s) => String(s.attributes['agentops.action.action_type']).startsWith(`${label}-`))).toBe(true);
      const tools = byKind(all, 'tool').filter((s) => s.spanContext().traceId === traceId);
      expect(tools).toHaveLength(expected);
      expect(tools.every((s) => s.attributes['agentops.tool.name'] === `${label}-tool`)).toBe(true);
    }
    expect(a.getAnalytics().Actions).toBe(10);
    expect(b.getAnalytics()['Tool calls']).toBe(5);
  });

  it('without a bound session, the only live session is used', async () => {
    const { session, spans } = initInMemory();
    agentops.record(new agentops.ActionEvent({ actionType: 'loose' }));
    expect(agentops.getSession()).toBe(session);
    const [span] = byKind(await spans(), 'action');
    expect(span.spanContext().traceId).toBe(session!.id.replace(/-/g, ''));
  });

  it('with several live sessions and none bound, the event belongs to none and one warning is logged', async () => {
    const { spans } = initInMemory({ autoStartSession: false });
    agentops.startSession();
    agentops.startSession();
    const err = captureStderr();
    agentops.record(new agentops.ActionEvent({ actionType: 'orphan' }));
    agentops.record(new agentops.ActionEvent({ actionType: 'orphan2' }));
    err.restore();
    expect(err.text().match(/sessions are live and none is bound/g)).toHaveLength(1);
    expect(byKind(await spans(), 'action')).toHaveLength(0);
  });

  it('spans of other instrumentations inside session.run are children of the session and counted', async () => {
    const { spans } = initInMemory({ autoStartSession: false });
    const a = agentops.startSession();
    agentops.startSession();
    const { trace } = await import('@opentelemetry/api');
    const tracer = trace.getTracer('some-llm-instrumentation');
    a.run(() => {
      const span = tracer.startSpan('chat gpt-4o-mini', {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 1000,
          'gen_ai.usage.output_tokens': 10,
        },
      });
      expect(context.active()).toBeDefined();
      span.end();
    });
    const llm = (await spans()).find((s) => s.name === 'chat gpt-4o-mini')!;
    expect(llm.parentSpanContext?.spanId).toBeDefined();
    expect(llm.attributes['agentops.session.id']).toBe(a.id);
    expect(a.getAnalytics()['LLM calls']).toBe(1);
    expect(Number(a.getAnalytics().Cost)).toBeGreaterThan(0);
  });
});
