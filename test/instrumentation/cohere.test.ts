import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { CohereInstrumentation } from '@agentops/instrumentation-cohere';
import { FAKE_ANSWER } from '@agentops/fake-llm';
import { COHERE_VERSIONS, instrumentationSuite, json, load, withInstead } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the client's types differ across its major versions */

const require = createRequire(import.meta.url);
const { calcPrice } = require('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices');

const instrumentation = new CohereInstrumentation();
const suite = instrumentationSuite(instrumentation);
const tracing = suite.tracing;
const MODEL = 'command-a-03-2025';
/** Cohere charges the billed units. */
const priceOf = (u: any, model = MODEL) => calcPrice({ input_tokens: u.billed_units.input_tokens, output_tokens: u.billed_units.output_tokens ?? 0 }, model, { providerId: 'cohere' })!.total_price;
const messages = [{ role: 'user', content: 'Weather in Paris?' }];

describe.each(COHERE_VERSIONS)('%s', (alias) => {
  const { module: mod } = load<any>(alias);
  instrumentation.patch(mod);
  let client: any;
  beforeAll(() => {
    client = new mod.CohereClientV2({ token: 'fake-key', environment: suite.fake.url, maxRetries: 0 });
  });

  it('chat: one CLIENT span with the GenAI attributes, the billed tokens, cost and messages; the response untouched', async () => {
    const res = await client.chat({ model: MODEL, messages, temperature: 0.3, maxTokens: 100 });
    expect(res.message.content[0].text).toBe(FAKE_ANSWER);
    const [span] = tracing.llmSpans();
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    const usage = suite.fake.requests[0].usage as any;
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'cohere',
      'gen_ai.request.model': MODEL,
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.max_tokens': 100,
      'gen_ai.response.id': res.id,
      'gen_ai.response.finish_reasons': ['complete'],
      'gen_ai.usage.input_tokens': usage.billed_units.input_tokens,
      'gen_ai.usage.output_tokens': usage.billed_units.output_tokens,
    });
    expect(span.attributes['agentops.llm.cost']).toBeCloseTo(priceOf(usage), 12);
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]);
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: FAKE_ANSWER }], finish_reason: 'complete' }]);
  });

  it('chat(...).withRawResponse() still gives the raw response', async () => {
    const { data, rawResponse } = await client.chat({ model: MODEL, messages }).withRawResponse();
    expect(data.message.content[0].text).toBe(FAKE_ANSWER);
    expect(rawResponse.status).toBe(200);
    expect(tracing.llmSpans()).toHaveLength(1);
  });

  it('chatStream: the same Stream object, events as they arrive; one span with the usage of message-end and time to first token', async () => {
    const stream = await client.chatStream({ model: MODEL, messages });
    let text = '';
    for await (const event of stream) if (event.type === 'content-delta') text += event.delta.message.content.text;
    expect(text).toBe(FAKE_ANSWER);
    expect(tracing.llmSpans()).toHaveLength(1);
    const [span] = tracing.llmSpans();
    expect(span.attributes).toMatchObject({ 'gen_ai.response.finish_reasons': ['complete'], 'gen_ai.usage.input_tokens': (suite.fake.requests[0].usage as any).billed_units.input_tokens });
    expect(span.attributes['agentops.llm.time_to_first_token_ms']).toBeGreaterThan(0);
    expect(span.attributes['agentops.llm.cost']).toBeCloseTo(priceOf(suite.fake.requests[0].usage), 12);
    expect(json(span.attributes['gen_ai.output.messages'])[0].parts).toEqual([{ type: 'text', content: FAKE_ANSWER }]);
  });

  it('a break mid-stream ends the span once, marked incomplete', async () => {
    const stream = await client.chatStream({ model: MODEL, messages });
    for await (const _ of stream) break;
    expect(tracing.llmSpans()).toHaveLength(1);
    expect(tracing.llmSpans()[0].attributes['agentops.llm.incomplete']).toBe(true);
  });

  it('tool calls, plain and streamed: tool_call parts with parsed arguments, the tool plan as reasoning', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', description: 'The weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const res = await client.chat({ model: MODEL, messages, tools });
    expect(res.message.toolCalls[0].function.name).toBe('get_weather');
    for await (const _ of await client.chatStream({ model: MODEL, messages, tools })) void _;
    const [plain, streamed] = tracing.llmSpans();
    const call = { type: 'tool_call', id: 'call_fake_1', name: 'get_weather', arguments: { city: 'Paris' } };
    expect(json(plain.attributes['gen_ai.output.messages'])[0].parts).toEqual([{ type: 'reasoning', content: 'I will look up the weather.' }, call]);
    expect(json(streamed.attributes['gen_ai.output.messages'])[0].parts).toEqual([call]);
    expect(streamed.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_call']);
  });

  it('embed and rerank: an embeddings span priced from its billed tokens, a rerank span with its search units', async () => {
    const emb = await client.embed({ model: 'embed-v4.0', texts: ['Paris', 'Lyon'], inputType: 'search_document', embeddingTypes: ['float'] });
    expect(emb.embeddings.float).toHaveLength(2);
    const rr = await client.rerank({ model: 'rerank-v3.5', query: 'weather', documents: ['Paris is sunny', 'Lyon is rainy'] });
    expect(rr.results).toHaveLength(2);
    const [embSpan, rrSpan] = tracing.llmSpans();
    expect(embSpan.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': (suite.fake.requests[0].usage as any).billed_units.input_tokens });
    expect(embSpan.attributes['agentops.llm.cost']).toBeCloseTo(priceOf(suite.fake.requests[0].usage, 'embed-v4.0'), 12);
    expect(rrSpan.attributes).toMatchObject({ 'gen_ai.operation.name': 'rerank', 'agentops.llm.search_units': 1 });
  });

  it('an error mid-stream reaches the app; the span ends once, failed, with an error event', async () => {
    const stream = await client.chatStream({ model: 'midstream-error', messages });
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(tracing.llmSpans()).toHaveLength(1);
    expect(tracing.llmSpans()[0].status.code).toBe(SpanStatusCode.ERROR);
    expect(tracing.errorSpans()).toHaveLength(1);
  });

  it('an abort mid-stream (abortSignal) reaches the app; the span ends once', async () => {
    const controller = new AbortController();
    const stream = await client.chatStream({ model: 'slow', messages }, { abortSignal: controller.signal });
    const err = await (async () => {
      for await (const _ of stream) controller.abort();
    })().catch((e: unknown) => e);
    void err;
    expect(tracing.llmSpans()).toHaveLength(1);
  });

  it('a failed call: status ERROR and an error event tied to it; the same error reaches the app', async () => {
    const err = await client.chat({ model: 'error-429', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const [span] = tracing.llmSpans();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(tracing.errorSpans()).toHaveLength(1);
    expect(tracing.errorSpans()[0].attributes['agentops.error.code']).toBe('429');
  });

  it('content capture off: no prompt, no completion; tokens and cost stay', async () => {
    await withInstead(instrumentation, new CohereInstrumentation({ captureContent: false }), tracing.provider, mod, () => client.chat({ model: MODEL, messages }));
    const [span] = tracing.llmSpans();
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span.attributes['gen_ai.output.messages']).toBeUndefined();
    expect(span.attributes['agentops.llm.cost']).toBeGreaterThan(0);
  });
});
