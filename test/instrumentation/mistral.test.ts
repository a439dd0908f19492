import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { MistralInstrumentation } from '@agentops/instrumentation-mistral';
import { FAKE_ANSWER } from '@agentops/fake-llm';
import { importModule, instrumentationSuite, json, MISTRAL_VERSIONS, withInstead } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the client's types differ across its major versions */

const require = createRequire(import.meta.url);
const { calcPrice } = require('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices');

const instrumentation = new MistralInstrumentation();
const suite = instrumentationSuite(instrumentation);
const tracing = suite.tracing;
const MODEL = 'mistral-small-latest';
const priceOf = (u: any, model = MODEL) => calcPrice({ input_tokens: u.prompt_tokens, output_tokens: u.completion_tokens ?? 0 }, model, { providerId: 'mistral' })!.total_price;
const user = [{ role: 'user', content: 'Weather in Paris?' }];

describe.each(MISTRAL_VERSIONS)('%s', (alias) => {
  let mod: any;
  let client: any;
  beforeAll(async () => {
    mod = await importModule(alias);
    instrumentation.patch(mod);
    client = new mod.Mistral({ apiKey: 'fake-key', serverURL: suite.fake.url });
  });

  it('chat.complete: one CLIENT span with the GenAI attributes, tokens, cost and messages; the result untouched', async () => {
    const res = await client.chat.complete({ model: MODEL, messages: user, temperature: 0.3, maxTokens: 100 });
    expect(res.choices[0].message.content).toBe(FAKE_ANSWER);
    const [span] = tracing.llmSpans();
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    const usage = suite.fake.requests[0].usage as any;
    expect(suite.fake.requests[0].body).toMatchObject({ model: MODEL, temperature: 0.3, max_tokens: 100 });
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mistral_ai',
      'gen_ai.request.model': MODEL,
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.max_tokens': 100,
      'gen_ai.response.id': res.id,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': usage.prompt_tokens,
      'gen_ai.usage.output_tokens': usage.completion_tokens,
    });
    expect(span.attributes['agentops.llm.cost']).toBeCloseTo(priceOf(usage), 12);
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]);
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: FAKE_ANSWER }], finish_reason: 'stop' }]);
  });

  it('chat.stream: the app reads the same EventStream as it arrives; one span with the last chunk’s usage and time to first token', async () => {
    const stream = await client.chat.stream({ model: MODEL, messages: user });
    expect(stream).toBeInstanceOf(ReadableStream);
    let text = '';
    for await (const event of stream) text += event.data.choices[0]?.delta?.content ?? '';
    expect(text).toBe(FAKE_ANSWER);
    expect(tracing.llmSpans()).toHaveLength(1);
    const [span] = tracing.llmSpans();
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe((suite.fake.requests[0].usage as any).prompt_tokens);
    expect(span.attributes['agentops.llm.time_to_first_token_ms']).toBeGreaterThan(0);
    expect(span.attributes['agentops.llm.cost']).toBeCloseTo(priceOf(suite.fake.requests[0].usage), 12);
    expect(json(span.attributes['gen_ai.output.messages'])[0].parts).toEqual([{ type: 'text', content: FAKE_ANSWER }]);
  });

  it('a break mid-stream ends the span once, marked incomplete', async () => {
    const stream = await client.chat.stream({ model: MODEL, messages: user });
    for await (const _ of stream) break;
    expect(tracing.llmSpans()).toHaveLength(1);
    expect(tracing.llmSpans()[0].attributes['agentops.llm.incomplete']).toBe(true);
  });

  it('tool calls are tool_call parts with parsed arguments', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const res = await client.chat.complete({ model: MODEL, messages: user, tools });
    expect(res.choices[0].message.toolCalls[0].function.name).toBe('get_weather');
    const out = json(tracing.llmSpans()[0].attributes['gen_ai.output.messages']);
    expect(out[0].parts).toEqual([{ type: 'tool_call', id: 'call_fake_1', name: 'get_weather', arguments: { city: 'Paris' } }]);
    expect(out[0].finish_reason).toBe('tool_calls');
  });

  it('fim.complete and embeddings.create: a text_completion and an embeddings span, priced', async () => {
    const fim = await client.fim.complete({ model: 'codestral-latest', prompt: 'def weather(', suffix: 'return sky' });
    expect(fim.choices[0].message.content).toBe(FAKE_ANSWER);
    const emb = await client.embeddings.create({ model: 'mistral-embed', inputs: ['Paris', 'Lyon'] });
    expect(emb.data).toHaveLength(2);
    const [fimSpan, embSpan] = tracing.llmSpans();
    expect(fimSpan.attributes).toMatchObject({ 'gen_ai.operation.name': 'text_completion', 'gen_ai.request.model': 'codestral-latest' });
    expect(fimSpan.attributes['agentops.llm.cost']).toBeCloseTo(priceOf(suite.fake.requests[0].usage, 'codestral-latest'), 12);
    expect(embSpan.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': (suite.fake.requests[1].usage as any).prompt_tokens });
    expect(embSpan.attributes['agentops.llm.cost']).toBeCloseTo(priceOf(suite.fake.requests[1].usage, 'mistral-embed'), 12);
  });

  it('an error mid-stream reaches the app; the span ends once, failed, with an error event', async () => {
    const stream = await client.chat.stream({ model: 'midstream-error', messages: user });
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(tracing.llmSpans()).toHaveLength(1);
    expect(tracing.llmSpans()[0].status.code).toBe(SpanStatusCode.ERROR);
    expect(tracing.errorSpans()).toHaveLength(1);
  });

  it('an abort mid-stream (fetchOptions.signal) reaches the app; the span ends once', async () => {
    const controller = new AbortController();
    const stream = await client.chat.stream({ model: 'slow', messages: user }, { fetchOptions: { signal: controller.signal } });
    const err = await (async () => {
      for await (const _ of stream) controller.abort();
    })().catch((e: unknown) => e);
    expect(err).toBeDefined();
    expect(tracing.llmSpans()).toHaveLength(1);
  });

  it('a failed call: status ERROR and an error event tied to it; the same error reaches the app', async () => {
    const err = await client.chat.complete({ model: 'error-429', messages: user }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const [span] = tracing.llmSpans();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(tracing.errorSpans()).toHaveLength(1);
    expect(tracing.errorSpans()[0].attributes['agentops.error.code']).toBe('429');
  });

  it('content capture off: no prompt, no completion; tokens and cost stay', async () => {
    await withInstead(instrumentation, new MistralInstrumentation({ captureContent: false }), tracing.provider, mod, () => client.chat.complete({ model: MODEL, messages: user }));
    const [span] = tracing.llmSpans();
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span.attributes['gen_ai.output.messages']).toBeUndefined();
    expect(span.attributes['agentops.llm.cost']).toBeGreaterThan(0);
  });
});
