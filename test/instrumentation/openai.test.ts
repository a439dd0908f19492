import { beforeAll, describe, expect, it, vi } from 'vitest';
import { SamplingDecision, SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { OpenAIInstrumentation } from '@agentops/instrumentation-openai';
import { FAKE_ANSWER, FAKE_STRUCTURED_ANSWER } from '@agentops/fake-llm';
import { spanToUuid } from '@agentops/model';
import { instrumentationSuite, json, load, OPENAI_VERSIONS, withInstead } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the client's types differ across its major versions */

const instrumentation = new OpenAIInstrumentation();
const suite = instrumentationSuite(instrumentation);
const tracing = suite.tracing;

const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
const user = [{ role: 'user', content: 'Weather in Paris?' }];

describe.each(OPENAI_VERSIONS)('%s', (alias) => {
  const { module: mod, version } = load<any>(alias);
  const OpenAI = mod.OpenAI ?? mod.default;
  instrumentation.patch(mod);
  const client = new OpenAI({ baseURL: 'http://127.0.0.1:9/v1' /* set in beforeAll */, apiKey: 'sk-test', maxRetries: 0 });
  beforeAll(() => {
    client.baseURL = suite.fake.openaiBaseURL;
  });
  const major = Number(version.split('.')[0]);

  it('a sampler sees the sampling-relevant GenAI attributes when the span starts: operation, provider, model, server', async () => {
    const seen: Attributes[] = [];
    const sampler = {
      shouldSample: (_c: unknown, _t: string, _n: string, _k: SpanKind, attributes: Attributes) => {
        seen.push({ ...attributes });
        return { decision: SamplingDecision.RECORD_AND_SAMPLED };
      },
      toString: () => 'recording sampler',
    };
    const provider = new BasicTracerProvider({ sampler });
    await withInstead(instrumentation, new OpenAIInstrumentation(), provider, mod, () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: user }));
    expect(seen).toEqual([
      { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'server.address': '127.0.0.1', 'server.port': Number(new URL(suite.fake.openaiBaseURL).port) },
    ]);
  });

  it('chat.completions.create: one CLIENT span with the GenAI attributes, tokens, cost and messages; the result untouched', async () => {
    const params = { model: 'gpt-4o-mini', messages: user, temperature: 0.3, max_tokens: 100 };
    const frozen = structuredClone(params);
    const res = await client.chat.completions.create(params);
    expect(res.choices[0].message.content).toBe(FAKE_ANSWER);
    expect(res._request_id).toMatch(/^req_/);
    expect(params).toEqual(frozen);
    expect(suite.fake.requests[0].body).toEqual(frozen);
    const [span] = tracing.llmSpans();
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.instrumentationScope.name).toBe('@agentops/instrumentation-openai');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.max_tokens': 100,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': res.id,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': res.usage.prompt_tokens,
      'gen_ai.usage.output_tokens': res.usage.completion_tokens,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'server.address': '127.0.0.1',
    });
    expect(span.attributes['agentops.llm.cost']).toBeGreaterThan(0);
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]);
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: FAKE_ANSWER }], finish_reason: 'stop' }]);
  });

  it('tool calls are recorded as tool_call parts with parsed arguments', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user, tools });
    expect(res.choices[0].message.tool_calls[0].function.name).toBe('get_weather');
    const [span] = tracing.llmSpans();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
    expect(span.attributes['gen_ai.request.tool_names']).toEqual(['get_weather']);
    expect(json(span.attributes['gen_ai.output.messages'])[0].parts).toEqual([{ type: 'tool_call', id: 'call_fake_1', name: 'get_weather', arguments: { city: 'Paris' } }]);
  });

  it('the APIPromise keeps withResponse(), asResponse() and _thenUnwrap()', async () => {
    const promise = client.chat.completions.create({ model: 'gpt-4o-mini', messages: user });
    expect(typeof promise.withResponse).toBe('function');
    expect(typeof promise._thenUnwrap).toBe('function');
    const { data, response } = await promise.withResponse();
    expect(data.choices[0].message.content).toBe(FAKE_ANSWER);
    expect(response.status).toBe(200);
    const raw = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user }).asResponse();
    expect((await raw.json()).choices[0].message.content).toBe(FAKE_ANSWER);
    const unwrapped = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user })._thenUnwrap((r: any) => r.id);
    expect(unwrapped).toMatch(/^chatcmpl-/);
    await vi.waitFor(() => expect(tracing.llmSpans()).toHaveLength(3));
  });

  it('streams: chunks reach the app as they arrive, the span ends after the last one, with time to first token', async () => {
    const stream = await client.chat.completions.create({ model: 'slow', messages: user, stream: true });
    expect(typeof stream.tee).toBe('function');
    expect(typeof stream.toReadableStream).toBe('function');
    expect(stream.controller).toBeInstanceOf(AbortController);
    let text = '';
    let first = true;
    for await (const chunk of stream) {
      if (first) {
        // Not buffered: the first chunk is here while the span (which ends with the stream) is still open.
        expect(tracing.llmSpans()).toHaveLength(0);
        first = false;
      }
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe(FAKE_ANSWER);
    const [span] = tracing.llmSpans();
    expect(span.attributes['agentops.llm.time_to_first_token_ms']).toBeGreaterThan(0);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    expect(json(span.attributes['gen_ai.output.messages'])[0].parts[0].content).toBe(FAKE_ANSWER);
    // No usage chunk was asked for: tokens are unknown, not 0.
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span.attributes['agentops.llm.cost']).toBeUndefined();
  });

  it('AGENTOPS_STREAM_USAGE (streamUsage) adds include_usage to a copy of the request, and tokens are recorded', async () => {
    instrumentation.setConfig({ streamUsage: true });
    try {
      const params = { model: 'gpt-4o-mini', messages: user, stream: true as const };
      const stream = await client.chat.completions.create(params);
      for await (const _ of stream) void _;
      expect(params).not.toHaveProperty('stream_options');
      expect(suite.fake.requests[0].body.stream_options).toEqual({ include_usage: true });
      const [span] = tracing.llmSpans();
      expect(span.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(span.attributes['agentops.llm.cost']).toBeGreaterThan(0);
    } finally {
      instrumentation.setConfig({});
    }
  });

  it('streamed tool calls are put together', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user, tools, stream: true });
    for await (const _ of stream) void _;
    const [span] = tracing.llmSpans();
    expect(json(span.attributes['gen_ai.output.messages'])[0].parts).toEqual([{ type: 'tool_call', id: 'call_fake_1', name: 'get_weather', arguments: { city: 'Paris' } }]);
  });

  it('tee() gives both branches every chunk and one span', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user, stream: true });
    const [a, b] = stream.tee();
    const read = async (s: any) => {
      let t = '';
      for await (const c of s) t += c.choices[0]?.delta?.content ?? '';
      return t;
    };
    expect(await Promise.all([read(a), read(b)])).toEqual([FAKE_ANSWER, FAKE_ANSWER]);
    expect(tracing.llmSpans()).toHaveLength(1);
  });

  it('toReadableStream() works and ends the span', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user, stream: true });
    const reader = stream.toReadableStream().getReader();
    let n = 0;
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      n++;
    }
    expect(n).toBeGreaterThan(3);
    expect(tracing.llmSpans()).toHaveLength(1);
  });

  it('a second iteration fails exactly as without us, and the span ends once', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user, stream: true });
    for await (const _ of stream) void _;
    await expect(async () => {
      for await (const _ of stream) void _;
    }).rejects.toThrow(/Cannot iterate over a consumed stream/);
    expect(tracing.llmSpans()).toHaveLength(1);
    expect(tracing.llmSpans()[0].status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a break out of the loop ends the span once and closes the stream', async () => {
    const stream = await client.chat.completions.create({ model: 'slow', messages: user, stream: true });
    for await (const _ of stream) break;
    expect(tracing.llmSpans()).toHaveLength(1);
    expect(tracing.llmSpans()[0].status.code).toBe(SpanStatusCode.UNSET);
  });

  it('controller.abort() mid-stream: the loop ends as without us, the span ends once, marked aborted', async () => {
    const stream = await client.chat.completions.create({ model: 'slow', messages: user, stream: true });
    let seen = 0;
    for await (const _ of stream) {
      if (++seen === 2) stream.controller.abort();
    }
    expect(seen).toBeLessThan(8);
    expect(tracing.llmSpans()).toHaveLength(1);
    expect(tracing.llmSpans()[0].attributes['agentops.llm.stream.aborted']).toBe(true);
  });

  it('an error mid-stream reaches the app unchanged; the span is ERROR with an error event tied to it', async () => {
    const stream = await client.chat.completions.create({ model: 'midstream-error', messages: user, stream: true });
    let caught: unknown;
    try {
      for await (const _ of stream) void _;
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    const [span] = tracing.llmSpans();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    const [error] = tracing.errorSpans();
    expect(error.attributes['agentops.error.trigger_event_id']).toBe(spanToUuid(span.spanContext().traceId, span.spanContext().spanId));
  });

  it.each([429, 500])('a %i reaches the app as the same APIError; the span is ERROR with an error event', async (status) => {
    let caught: any;
    try {
      await client.chat.completions.create({ model: `error-${status}`, messages: user });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(OpenAI.APIError);
    expect(caught.status).toBe(status);
    const [span] = tracing.llmSpans();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['http.response.status_code']).toBe(status);
    expect(span.attributes['error.type']).toBe(caught.constructor.name);
    const [error] = tracing.errorSpans();
    expect(error.attributes).toMatchObject({ 'agentops.error.code': String(status), 'agentops.error.trigger_event_type': 'llms' });
    expect(error.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
  });

  it('a failing request read only through asResponse() or a derived promise (_thenUnwrap) fails its span once', async () => {
    await expect(client.chat.completions.create({ model: 'error-500', messages: user }).asResponse()).rejects.toBeInstanceOf(OpenAI.APIError);
    await expect(client.chat.completions.create({ model: 'error-429', messages: user })._thenUnwrap((r: any) => r.id)).rejects.toBeInstanceOf(OpenAI.APIError);
    await vi.waitFor(() => expect(tracing.llmSpans()).toHaveLength(2));
    expect(tracing.llmSpans().map((s) => [s.status.code, s.attributes['http.response.status_code']])).toEqual([
      [SpanStatusCode.ERROR, 500],
      [SpanStatusCode.ERROR, 429],
    ]);
    expect(tracing.errorSpans()).toHaveLength(2);
  });

  it('chat.completions.parse is one span', async () => {
    const parse = major >= 5 ? client.chat.completions.parse.bind(client.chat.completions) : client.beta.chat.completions.parse.bind(client.beta.chat.completions);
    const res = await parse({ model: 'gpt-4o-mini', messages: user, response_format: { type: 'json_object' } });
    expect(res.choices[0].message.content).toBe(FAKE_STRUCTURED_ANSWER);
    expect(tracing.llmSpans()).toHaveLength(1);
    expect(tracing.llmSpans()[0].attributes['gen_ai.output.type']).toBe('json');
  });

  it('responses.create, plain and streamed', async () => {
    const res = await client.responses.create({ model: 'gpt-4o-mini', input: 'Weather in Paris?', instructions: 'Be brief.' });
    expect(res.output_text ?? res.output[0].content[0].text).toBe(FAKE_ANSWER);
    const stream = await client.responses.create({ model: 'gpt-4o-mini', input: [{ role: 'user', content: 'Weather?' }], stream: true });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types.at(-1)).toBe('response.completed');
    const [plain, streamed] = tracing.llmSpans();
    for (const s of [plain, streamed]) {
      expect(s.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(s.attributes['gen_ai.response.id']).toMatch(/^resp_/);
      expect(json(s.attributes['gen_ai.output.messages'])[0].parts[0].content).toBe(FAKE_ANSWER);
    }
    expect(json(plain.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(streamed.attributes['agentops.llm.time_to_first_token_ms']).toBeGreaterThanOrEqual(0);
  });

  it('embeddings.create and legacy completions.create (plain and streamed)', async () => {
    const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(emb.data).toHaveLength(2);
    const comp = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say hi' });
    expect(comp.choices[0].text).toBe(FAKE_ANSWER);
    const stream = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say hi', stream: true });
    let text = '';
    for await (const c of stream) text += c.choices[0].text;
    expect(text).toBe(FAKE_ANSWER);
    const [e, c, s] = tracing.llmSpans();
    expect(e.name).toBe('embeddings text-embedding-3-small');
    expect(e.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(c.name).toBe('text_completion gpt-3.5-turbo-instruct');
    expect(json(c.attributes['gen_ai.output.messages'])[0].parts[0].content).toBe(FAKE_ANSWER);
    expect(json(s.attributes['gen_ai.output.messages'])[0].parts[0].content).toBe(FAKE_ANSWER);
  });

  it('with content capture off, no prompt or completion text reaches the span', async () => {
    instrumentation.setConfig({ captureContent: false });
    try {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user, tools });
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user, stream: true });
      for await (const _ of stream) void _;
      const text = JSON.stringify(tracing.llmSpans().map((s) => s.attributes));
      expect(text).not.toContain('Paris');
      expect(text).not.toContain('sunny');
      expect(text).toContain('gen_ai.usage.input_tokens');
    } finally {
      instrumentation.setConfig({});
    }
  });

  it('patching the same build twice wraps once', async () => {
    instrumentation.patch(mod);
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user });
    expect(tracing.llmSpans()).toHaveLength(1);
  });
});
