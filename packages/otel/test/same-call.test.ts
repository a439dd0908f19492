import { context, trace, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { convertSpans } from '@agentops/model';
import { toSpanLike } from '../src/exporter/span-like.js';
import * as agentops from '../src/index.js';
import { initInMemory, resetAfterEach } from './helpers.js';

resetAfterEach();

const framework = (model = 'gpt-4o-mini', extra: Attributes = {}): Attributes => ({
  'agentops.span.kind': 'llm',
  'agentops.llm.layer': 'framework',
  'agentops.llm.framework': 'langchain',
  'agentops.llm.framework.name': 'ChatOpenAI',
  'agentops.llm.framework.tags': ['weather'],
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': model,
  'gen_ai.usage.input_tokens': 999,
  ...extra,
});
const client = (model = 'gpt-4o-mini', extra: Attributes = {}): Attributes => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': model,
  'gen_ai.response.model': model,
  'gen_ai.usage.input_tokens': 100,
  'gen_ai.usage.output_tokens': 20,
  ...extra,
});

/** Runs `fn` with a tracer of the SDK's provider inside the session; returns the batch's AgentOps model. */
async function layers(fn: (tracer: ReturnType<typeof trace.getTracer>) => void | Promise<void>) {
  const { session, spans } = initInMemory();
  const tracer = trace.getTracer('layers-test');
  await context.with(session!._context, () => fn(tracer));
  const analytics = session!.getAnalytics();
  await session!.endSession('Success');
  const all: ReadableSpan[] = await spans();
  return { batch: convertSpans(all.map(toSpanLike)), analytics, all };
}

describe('one model call is one LLM event, whatever layers trace it', () => {
  it('a client span inside a framework span: the client span is the event, with the framework run’s agent, name, tags and place', async () => {
    const { batch, analytics } = await layers((tracer) => {
      const agent = tracer.startSpan('agent', { attributes: { 'agentops.span.kind': 'agent', 'agentops.agent.name': 'planner' } });
      const fw = tracer.startSpan('chat', { attributes: framework() }, trace.setSpan(context.active(), agent));
      const inner = tracer.startSpan('chat gpt-4o-mini', { attributes: client() }, trace.setSpan(context.active(), fw));
      inner.end();
      fw.end();
      agent.end();
    });
    expect(batch.events).toHaveLength(1);
    const [e] = batch.events as unknown as Array<Record<string, unknown>>;
    expect(e).toMatchObject({ event_type: 'llms', prompt_tokens: 100, completion_tokens: 20, agent_id: batch.agents[0].id });
    expect(e.params).toMatchObject({ framework: { name: 'langchain', run_name: 'ChatOpenAI', tags: ['weather'] } });
    expect(analytics['LLM calls']).toBe(1);
  });

  it('a client span that starts outside the framework span’s context (callbacks) while its call is open: claimed all the same', async () => {
    const { batch, analytics } = await layers((tracer) => {
      const fw = tracer.startSpan('chat', { attributes: framework() });
      // Started in the session's context, not in the framework span's.
      const inner = tracer.startSpan('chat gpt-4o-mini', { attributes: client() });
      inner.end();
      fw.end();
    });
    expect(batch.events).toHaveLength(1);
    expect(batch.events[0]).toMatchObject({ prompt_tokens: 100 });
    expect(analytics['LLM calls']).toBe(1);
  });

  it('a call to another model while a framework call is open is not taken for it; a framework call with no client beneath is its own event', async () => {
    const { batch, analytics } = await layers((tracer) => {
      const fw = tracer.startSpan('chat', { attributes: framework('gpt-4o-mini') });
      const other = tracer.startSpan('chat claude', { attributes: client('claude-3-5-haiku') });
      other.end();
      fw.end();
    });
    expect(batch.events.map((e) => (e as { model: string }).model).sort()).toEqual(['claude-3-5-haiku', 'gpt-4o-mini']);
    expect(analytics['LLM calls']).toBe(2);
  });

  it('two spans of the same layer (instrumentations stacked): the outer one is kept and takes what only the inner one has', async () => {
    const { batch, analytics } = await layers((tracer) => {
      const outer = tracer.startSpan('embeddings', { attributes: { 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small' } });
      const inner = tracer.startSpan('embeddings', { attributes: { 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small', 'gen_ai.provider.name': 'openai', 'gen_ai.usage.input_tokens': 70_000 } }, trace.setSpan(context.active(), outer));
      inner.end();
      outer.end();
    });
    expect(batch.events).toHaveLength(1);
    expect(batch.events[0]).toMatchObject({ prompt_tokens: 70_000, model: 'text-embedding-3-small', provider: 'openai', cost: 0.0014 });
    // Priced from the merged usage, and counted once.
    expect(analytics.Cost).toBe('0.001400');
    expect(analytics['LLM calls']).toBe(1);
  });

  it('a recorded event and instrumented spans are counted on one path: the analytics equal the events', async () => {
    const { batch, analytics } = await layers((tracer) => {
      agentops.record(new agentops.ActionEvent({ actionType: 'plan' }));
      const tool = tracer.startSpan('get_weather', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' } });
      tool.end();
      const wrapper = tracer.startSpan('ai.generateText', { attributes: { 'ai.operationId': 'ai.generateText', 'ai.usage.promptTokens': 100 } });
      const call = tracer.startSpan('ai.generateText.doGenerate', { attributes: { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.provider': 'openai.chat', 'ai.model.id': 'gpt-4o-mini', 'ai.usage.promptTokens': 100, 'ai.usage.completionTokens': 20 } }, trace.setSpan(context.active(), wrapper));
      call.end();
      wrapper.end();
    });
    expect(batch.events.map((e) => e.event_type).sort()).toEqual(['actions', 'actions', 'llms', 'tools']);
    expect(analytics).toMatchObject({ 'LLM calls': 1, 'Tool calls': 1, Actions: 2 });
  });
});
