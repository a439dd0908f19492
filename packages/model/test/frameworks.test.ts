import { describe, expect, it } from 'vitest';
import { aiSdkUsage, convertSpan, convertSpans, llmLayerOf, sameCallEvent, spanKindOf, type SpanLike } from '../src/index.js';

const span = (attributes: SpanLike['attributes'], extra: Partial<SpanLike> = {}): SpanLike => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  name: 'span',
  startTimeMs: 1_700_000_000_000,
  endTimeMs: 1_700_000_001_000,
  attributes,
  status: { code: 0 },
  ...extra,
});

describe('the kind of any span', () => {
  it.each([
    ['AI SDK provider call', { 'ai.operationId': 'ai.generateText.doGenerate' }, 'llm'],
    ['AI SDK stream call', { 'ai.operationId': 'ai.streamText.doStream' }, 'llm'],
    ['AI SDK embedding call', { 'ai.operationId': 'ai.embedMany.doEmbed' }, 'llm'],
    ['AI SDK function around its calls (summed usage)', { 'ai.operationId': 'ai.generateText', 'gen_ai.usage.input_tokens': 9 }, 'action'],
    ['AI SDK tool call', { 'ai.operationId': 'ai.toolCall' }, 'tool'],
    ['GenAI invoke_agent (usage of its children)', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.usage.input_tokens': 90 }, 'agent'],
    ['GenAI agent step', { 'gen_ai.operation.name': 'agent_step' }, undefined],
    ['GenAI chat', { 'gen_ai.operation.name': 'chat' }, 'llm'],
    ['OpenInference tool', { 'openinference.span.kind': 'TOOL' }, 'tool'],
    ['OpenInference chain', { 'openinference.span.kind': 'CHAIN', 'llm.model_name': 'x' }, undefined],
    ['an HTTP span', { 'http.request.method': 'POST' }, undefined],
  ])('%s', (_name, attrs, kind) => {
    expect(spanKindOf(attrs)).toBe(kind);
  });

  it('the layer: a framework’s model call (AI SDK, or marked) against the client library’s', () => {
    expect(llmLayerOf({ 'ai.operationId': 'ai.generateText.doGenerate' })).toBe('framework');
    expect(llmLayerOf({ 'agentops.llm.layer': 'framework' })).toBe('framework');
    expect(llmLayerOf({ 'gen_ai.operation.name': 'chat' })).toBe('client');
    expect(sameCallEvent({ 'agentops.llm.layer': 'framework' }, { 'gen_ai.operation.name': 'chat' })).toBe('inner');
    expect(sameCallEvent({ 'gen_ai.operation.name': 'chat' }, { 'gen_ai.operation.name': 'chat' })).toBe('outer');
    expect(sameCallEvent({ 'gen_ai.operation.name': 'chat' }, { 'agentops.llm.layer': 'framework' })).toBe('outer');
  });
});

describe('AI SDK usage: every version’s names, input tokens always with their cache tokens, counted once', () => {
  it('6: the total input is given with its cache partitions', () => {
    expect(
      aiSdkUsage({
        'ai.model.provider': 'anthropic.messages',
        'ai.usage.inputTokens': 81,
        'ai.usage.inputTokenDetails.noCacheTokens': 21,
        'ai.usage.inputTokenDetails.cacheReadTokens': 40,
        'ai.usage.inputTokenDetails.cacheWriteTokens': 20,
        'ai.usage.outputTokens': 27,
        'ai.usage.outputTokenDetails.reasoningTokens': 3,
      }),
    ).toEqual({ inputTokens: 81, outputTokens: 27, cacheReadTokens: 40, cacheWriteTokens: 20, reasoningTokens: 3 });
  });

  it('5: Anthropic’s input excludes the cache, OpenAI’s includes it', () => {
    const meta = JSON.stringify({ anthropic: { cacheCreationInputTokens: 20 } });
    expect(aiSdkUsage({ 'ai.model.provider': 'anthropic.messages', 'ai.usage.inputTokens': 21, 'ai.usage.cachedInputTokens': 40, 'ai.usage.outputTokens': 27, 'ai.response.providerMetadata': meta })).toMatchObject({ inputTokens: 81, cacheReadTokens: 40, cacheWriteTokens: 20 });
    expect(aiSdkUsage({ 'ai.model.provider': 'openai.chat', 'ai.usage.inputTokens': 14, 'ai.usage.cachedInputTokens': 7, 'ai.usage.outputTokens': 27 })).toMatchObject({ inputTokens: 14, cacheReadTokens: 7 });
  });

  it('4 (and 5’s generateText): promptTokens, the cache in the provider metadata', () => {
    const anthropic4 = JSON.stringify({ anthropic: { cacheCreationInputTokens: 20, cacheReadInputTokens: 40 } });
    expect(aiSdkUsage({ 'ai.model.provider': 'anthropic.messages', 'ai.usage.promptTokens': 21, 'ai.usage.completionTokens': 27, 'ai.response.providerMetadata': anthropic4 })).toEqual({ inputTokens: 81, outputTokens: 27, cacheReadTokens: 40, cacheWriteTokens: 20 });
    const anthropic5 = JSON.stringify({ anthropic: { cacheCreationInputTokens: 20, usage: { cache_read_input_tokens: 40, cache_creation_input_tokens: 20 } } });
    expect(aiSdkUsage({ 'ai.model.provider': 'anthropic.messages', 'ai.usage.promptTokens': 21, 'ai.usage.completionTokens': 27, 'ai.response.providerMetadata': anthropic5 })).toMatchObject({ inputTokens: 81 });
    const openai4 = JSON.stringify({ openai: { cachedPromptTokens: 7 } });
    expect(aiSdkUsage({ 'ai.model.provider': 'openai.chat', 'ai.usage.promptTokens': 14, 'ai.usage.completionTokens': 27, 'ai.response.providerMetadata': openai4 })).toMatchObject({ inputTokens: 14, cacheReadTokens: 7 });
  });

  it('a provider call becomes an LLM event priced for its real provider; its function is an action with no usage', () => {
    const call = convertSpan(span({ 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.provider': 'groq.chat', 'ai.model.id': 'llama-3.3-70b-versatile', 'ai.usage.promptTokens': 1000, 'ai.usage.completionTokens': 100, 'gen_ai.system': 'groq.chat' }));
    expect(call?.kind === 'event' && call.event).toMatchObject({ event_type: 'llms', provider: 'groq', model: 'llama-3.3-70b-versatile', prompt_tokens: 1000 });
    expect(call?.kind === 'event' && (call.event as { cost: number }).cost).toBeGreaterThan(0);
    const fn = convertSpan(span({ 'ai.operationId': 'ai.generateText', 'ai.usage.promptTokens': 1000, 'ai.prompt': '{"prompt":"hi"}' }));
    expect(fn?.kind === 'event' && fn.event).toMatchObject({ event_type: 'actions', action_type: 'ai.generateText', params: { prompt: 'hi' } });
  });

  it('in a batch from another SDK, a framework span with its client span as child is one event: the client’s', () => {
    const outer = span({ 'agentops.llm.layer': 'framework', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1 }, { spanId: '1111111111111111' });
    const inner = span({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 100 }, { spanId: '2222222222222222', parentSpanId: '1111111111111111' });
    const { events } = convertSpans([outer, inner]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ span_id: '2222222222222222', prompt_tokens: 100 });
  });
});
