import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { GoogleGenAIInstrumentation } from '@agentops/instrumentation-google-genai';
import { FAKE_ANSWER } from '@agentops/fake-llm';
import { GOOGLE_GENAI_VERSIONS, instrumentationSuite, json, load, withInstead } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the client's types differ across its major versions */

const require = createRequire(import.meta.url);
const { calcPrice } = require('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices');

const instrumentation = new GoogleGenAIInstrumentation();
const suite = instrumentationSuite(instrumentation);
const tracing = suite.tracing;
const MODEL = 'gemini-2.5-flash';

/** What genai-prices charges for a Gemini usage object (input with the cached part, output with the thoughts). */
const priceOf = (u: any) =>
  calcPrice(
    { input_tokens: u.promptTokenCount, output_tokens: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0), ...(u.cachedContentTokenCount ? { cache_read_tokens: u.cachedContentTokenCount } : {}) },
    MODEL,
    { providerId: 'google' },
  )!.total_price;

describe.each(GOOGLE_GENAI_VERSIONS)('%s', (alias) => {
  const { module: mod } = load<any>(alias);
  instrumentation.patch(mod);
  let ai: any;
  let vertex: any;
  beforeAll(() => {
    ai = new mod.GoogleGenAI({ apiKey: 'fake-key', httpOptions: { baseUrl: suite.fake.geminiBaseURL } });
    vertex = new mod.GoogleGenAI({ vertexai: true, apiKey: 'fake-key', httpOptions: { baseUrl: suite.fake.geminiBaseURL } });
  });

  it('models.generateContent: one CLIENT span with the GenAI attributes, tokens, cost and messages; the response untouched', async () => {
    const res = await ai.models.generateContent({ model: MODEL, contents: 'Weather in Paris?', config: { temperature: 0.2, maxOutputTokens: 200, systemInstruction: 'Be brief.' } });
    expect(res.text).toBe(FAKE_ANSWER);
    const [span] = tracing.llmSpans();
    expect(span.name).toBe(`generate_content ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    const usage = suite.fake.requests[0].usage as any;
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.model': MODEL,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 200,
      'gen_ai.response.model': MODEL,
      'gen_ai.response.id': res.responseId,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': usage.promptTokenCount,
      'gen_ai.usage.output_tokens': usage.candidatesTokenCount,
    });
    expect(span.attributes['agentops.llm.cost']).toBeCloseTo(priceOf(usage), 12);
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    ]);
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: FAKE_ANSWER }], finish_reason: 'stop' }]);
  });

  it('cached content and thoughts: input tokens hold the cached part once, output tokens the thoughts; priced as Google prices them', async () => {
    await ai.models.generateContent({ model: MODEL, contents: 'Weather in Paris? [cached] [thinking]' });
    const usage = suite.fake.requests[0].usage as any;
    expect(usage.cachedContentTokenCount).toBeGreaterThan(0);
    const [span] = tracing.llmSpans();
    expect(span.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': usage.promptTokenCount,
      'gen_ai.usage.cache_read.input_tokens': usage.cachedContentTokenCount,
      'gen_ai.usage.output_tokens': usage.candidatesTokenCount + 12,
      'gen_ai.usage.reasoning.output_tokens': 12,
    });
    expect(span.attributes['agentops.llm.cost']).toBeCloseTo(priceOf(usage), 12);
  });

  it('generateContentStream: chunks reach the app as they come, one span with the usage of the last chunk and time to first token', async () => {
    const stream = await ai.models.generateContentStream({ model: MODEL, contents: 'Weather in Paris?' });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      text += chunk.text ?? '';
      chunks++;
    }
    expect(text).toBe(FAKE_ANSWER);
    expect(chunks).toBe(8);
    const [span] = tracing.llmSpans();
    expect(tracing.llmSpans()).toHaveLength(1);
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': (suite.fake.requests[0].usage as any).promptTokenCount, 'gen_ai.response.finish_reasons': ['stop'] });
    expect(span.attributes['agentops.llm.time_to_first_token_ms']).toBeGreaterThan(0);
    expect(json(span.attributes['gen_ai.output.messages'])[0].parts).toEqual([{ type: 'text', content: FAKE_ANSWER }]);
  });

  it('a break mid-stream ends the span once, marked incomplete', async () => {
    const stream = await ai.models.generateContentStream({ model: MODEL, contents: 'Weather in Paris?' });
    for await (const _ of stream) break;
    expect(tracing.llmSpans()).toHaveLength(1);
    expect(tracing.llmSpans()[0].attributes['agentops.llm.incomplete']).toBe(true);
  });

  it('function calling: the call is a tool_call part; the next turn sends its result', async () => {
    const tools = [{ functionDeclarations: [{ name: 'get_weather', description: 'The weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } }] }];
    const first = await ai.models.generateContent({ model: MODEL, contents: 'Weather in Paris?', config: { tools } });
    expect(first.functionCalls[0]).toMatchObject({ name: 'get_weather', args: { city: 'Paris' } });
    const out = json(tracing.llmSpans()[0].attributes['gen_ai.output.messages']);
    expect(out[0].parts).toEqual([{ type: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } }]);
  });

  it('chats: sendMessage and sendMessageStream are one span each, with the conversation so far', async () => {
    const chat = ai.chats.create({ model: MODEL });
    expect((await chat.sendMessage({ message: 'Weather in Paris?' })).text).toBe(FAKE_ANSWER);
    let text = '';
    for await (const chunk of await chat.sendMessageStream({ message: 'And tomorrow?' })) text += chunk.text ?? '';
    expect(text).toBe(FAKE_ANSWER);
    const spans = tracing.llmSpans();
    expect(spans).toHaveLength(2);
    const second = json(spans[1].attributes['gen_ai.input.messages']);
    expect(second.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('embedContent: an embeddings span (the Gemini API reports no tokens: unknown, not 0)', async () => {
    const res = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['Paris', 'Lyon'] });
    expect(res.embeddings).toHaveLength(2);
    const [span] = tracing.llmSpans();
    expect(span.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'gemini-embedding-001' });
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span.attributes['agentops.llm.cost']).toBeUndefined();
  });

  it('Vertex AI: the provider is gcp.vertex_ai, priced as Google', async () => {
    const res = await vertex.models.generateContent({ model: MODEL, contents: 'Weather in Paris?' });
    expect(res.text).toBe(FAKE_ANSWER);
    expect(suite.fake.requests[0].path).toMatch(/publishers\/google\/models\/gemini-2\.5-flash:generateContent$/);
    const [span] = tracing.llmSpans();
    expect(span.attributes['gen_ai.provider.name']).toBe('gcp.vertex_ai');
    expect(span.attributes['agentops.llm.cost']).toBeCloseTo(priceOf(suite.fake.requests[0].usage), 12);
  });

  it('an error mid-stream reaches the app; the span ends once, failed, with an error event', async () => {
    const stream = await ai.models.generateContentStream({ model: 'midstream-error', contents: 'Weather in Paris?' });
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(tracing.llmSpans()).toHaveLength(1);
    expect(tracing.llmSpans()[0].status.code).toBe(SpanStatusCode.ERROR);
    expect(tracing.errorSpans()).toHaveLength(1);
  });

  it('an abort mid-stream (config.abortSignal) reaches the app; the span ends once', async () => {
    const controller = new AbortController();
    const stream = await ai.models.generateContentStream({ model: 'slow', contents: 'Weather in Paris?', config: { abortSignal: controller.signal } });
    const err = await (async () => {
      for await (const _ of stream) controller.abort();
    })().catch((e: unknown) => e);
    expect(err).toBeDefined();
    expect(tracing.llmSpans()).toHaveLength(1);
  });

  it('a failed call: status ERROR and an error event tied to it; the same error reaches the app', async () => {
    const err = await ai.models.generateContent({ model: 'error-429', contents: 'hi' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toContain('fake 429');
    const [span] = tracing.llmSpans();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    const [errorSpan] = tracing.errorSpans();
    expect(errorSpan.parentSpanContext?.spanId ?? (errorSpan as any).parentSpanId).toBe(span.spanContext().spanId);
  });

  it('content capture off: no prompt, no completion; tokens and cost stay', async () => {
    await withInstead(instrumentation, new GoogleGenAIInstrumentation({ captureContent: false }), tracing.provider, mod, () =>
      ai.models.generateContent({ model: MODEL, contents: 'Weather in Paris?' }),
    );
    const [span] = tracing.llmSpans();
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span.attributes['gen_ai.output.messages']).toBeUndefined();
    expect(span.attributes['agentops.llm.cost']).toBeGreaterThan(0);
  });
});
