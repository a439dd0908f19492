import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BedrockInstrumentation } from '@agentops/instrumentation-bedrock';
import { FAKE_ANSWER } from '@agentops/fake-llm';
import { instrumentationSuite, json, load, withInstead } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the client's command types are generic */

const require = createRequire(import.meta.url);
const { calcPrice } = require('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices');

const instrumentation = new BedrockInstrumentation();
const suite = instrumentationSuite(instrumentation);
const tracing = suite.tracing;
const CLAUDE = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const price = (model: string, input: number, output: number, read = 0, write = 0) =>
  calcPrice({ input_tokens: input, output_tokens: output, ...(read ? { cache_read_tokens: read } : {}), ...(write ? { cache_write_tokens: write } : {}) }, model, { providerId: 'aws' })!.total_price;
const messages = [{ role: 'user', content: [{ text: 'Weather in Paris?' }] }];

describe('@aws-sdk/client-bedrock-runtime', () => {
  const { module: sdk } = load<any>('@aws-sdk/client-bedrock-runtime');
  instrumentation.patch(sdk);
  let client: any;
  beforeAll(() => {
    client = new sdk.BedrockRuntimeClient({ region: 'us-east-1', endpoint: suite.fake.bedrockEndpoint, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' }, maxAttempts: 1 });
  });
  const body = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

  it('ConverseCommand: one CLIENT span with the GenAI attributes, tokens, cost and messages; the output untouched (the request signed)', async () => {
    const out = await client.send(new sdk.ConverseCommand({ modelId: CLAUDE, messages, system: [{ text: 'Be brief.' }], inferenceConfig: { maxTokens: 200, temperature: 0.2 } }));
    expect(out.output.message.content[0].text).toBe(FAKE_ANSWER);
    expect(String(suite.fake.requests[0].headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 /);
    const [span] = tracing.llmSpans();
    expect(span.name).toBe(`chat ${CLAUDE}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    const u = suite.fake.requests[0].usage as any;
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': CLAUDE,
      'gen_ai.request.max_tokens': 200,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': u.inputTokens,
      'gen_ai.usage.output_tokens': u.outputTokens,
    });
    expect(span.attributes['agentops.llm.cost']).toBeCloseTo(price(CLAUDE, u.inputTokens, u.outputTokens), 12);
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    ]);
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: FAKE_ANSWER }], finish_reason: 'end_turn' }]);
  });

  it('Converse cache tokens (apart from inputTokens in Bedrock) are inside the input count once, priced as cache', async () => {
    await client.send(new sdk.ConverseCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'Weather in Paris? [cached]' }] }] }));
    const u = suite.fake.requests[0].usage as any;
    const [span] = tracing.llmSpans();
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': u.inputTokens + 60, 'gen_ai.usage.cache_read.input_tokens': 40, 'gen_ai.usage.cache_creation.input_tokens': 20 });
    expect(span.attributes['agentops.llm.cost']).toBeCloseTo(price(CLAUDE, u.inputTokens + 60, u.outputTokens, 40, 20), 12);
  });

  it('ConverseStreamCommand: the AWS event stream reaches the app as it arrives; one span with the metadata usage and time to first token', async () => {
    const out = await client.send(new sdk.ConverseStreamCommand({ modelId: CLAUDE, messages }));
    let text = '';
    for await (const event of out.stream) if (event.contentBlockDelta) text += event.contentBlockDelta.delta.text;
    expect(text).toBe(FAKE_ANSWER);
    expect(tracing.llmSpans()).toHaveLength(1);
    const [span] = tracing.llmSpans();
    const u = suite.fake.requests[0].usage as any;
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': u.inputTokens, 'gen_ai.response.finish_reasons': ['end_turn'] });
    expect(span.attributes['agentops.llm.time_to_first_token_ms']).toBeGreaterThan(0);
    expect(json(span.attributes['gen_ai.output.messages'])[0].parts).toEqual([{ type: 'text', content: FAKE_ANSWER }]);
  });

  it('a break mid-stream ends the span once, marked incomplete', async () => {
    const out = await client.send(new sdk.ConverseStreamCommand({ modelId: CLAUDE, messages }));
    for await (const _ of out.stream) break;
    expect(tracing.llmSpans()).toHaveLength(1);
    expect(tracing.llmSpans()[0].attributes['agentops.llm.incomplete']).toBe(true);
  });

  it('tool use, plain and streamed: tool_call parts with their input', async () => {
    const toolConfig = { tools: [{ toolSpec: { name: 'get_weather', description: 'The weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } }] };
    const out = await client.send(new sdk.ConverseCommand({ modelId: CLAUDE, messages, toolConfig }));
    expect(out.output.message.content[0].toolUse.name).toBe('get_weather');
    const streamed = await client.send(new sdk.ConverseStreamCommand({ modelId: CLAUDE, messages, toolConfig }));
    for await (const _ of streamed.stream) void _;
    const call = { type: 'tool_call', id: 'tooluse_fake_1', name: 'get_weather', arguments: { city: 'Paris' } };
    const [plain, stream] = tracing.llmSpans();
    expect(json(plain.attributes['gen_ai.output.messages'])[0].parts).toEqual([call]);
    expect(json(stream.attributes['gen_ai.output.messages'])[0].parts).toEqual([call]);
    expect(stream.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_use']);
  });

  it.each([
    ['anthropic', CLAUDE, { anthropic_version: 'bedrock-2023-05-31', max_tokens: 100, messages: [{ role: 'user', content: 'Weather in Paris?' }] }],
    ['amazon nova', 'amazon.nova-lite-v1:0', { messages: [{ role: 'user', content: [{ text: 'Weather in Paris?' }] }], inferenceConfig: { maxTokens: 100 } }],
    ['amazon titan', 'amazon.titan-text-express-v1', { inputText: 'Weather in Paris?', textGenerationConfig: { maxTokenCount: 100 } }],
    ['meta', 'meta.llama3-1-8b-instruct-v1:0', { prompt: 'Weather in Paris?', max_gen_len: 100 }],
    ['mistral', 'mistral.mistral-small-2402-v1:0', { prompt: '<s>[INST] Weather in Paris? [/INST]', max_tokens: 100 }],
    ['cohere', 'cohere.command-r-plus-v1:0', { message: 'Weather in Paris?', max_tokens: 100 }],
  ])('InvokeModelCommand with a %s body: tokens from the family’s body (unknown when it has none), the body still readable', async (_family, modelId, request) => {
    const out = await client.send(new sdk.InvokeModelCommand({ modelId, body: body(request), contentType: 'application/json' }));
    expect(JSON.stringify(JSON.parse(new TextDecoder().decode(out.body)))).toContain(FAKE_ANSWER);
    const [span] = tracing.llmSpans();
    const u = suite.fake.requests[0].usage as any;
    expect(span.attributes['gen_ai.request.model']).toBe(modelId);
    expect(JSON.stringify(json(span.attributes['gen_ai.output.messages']))).toContain(FAKE_ANSWER);
    expect(JSON.stringify(json(span.attributes['gen_ai.input.messages']))).toContain('Weather in Paris?');
    if (modelId.startsWith('mistral.')) {
      // Mistral's body on Bedrock carries no usage.
      expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
      return;
    }
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': u.input_tokens, 'gen_ai.usage.output_tokens': u.output_tokens });
    // Bedrock's table has no price for Cohere's Command R+: unknown, never a made-up number.
    if (modelId.startsWith('cohere.')) expect(span.attributes['agentops.llm.cost']).toBeUndefined();
    else expect(span.attributes['agentops.llm.cost']).toBeCloseTo(price(modelId, u.input_tokens, u.output_tokens), 12);
  });

  it.each([
    ['anthropic', CLAUDE, { anthropic_version: 'bedrock-2023-05-31', max_tokens: 100, messages: [{ role: 'user', content: 'Weather in Paris?' }] }],
    ['amazon nova', 'amazon.nova-lite-v1:0', { messages: [{ role: 'user', content: [{ text: 'Weather in Paris?' }] }] }],
    ['meta', 'meta.llama3-1-8b-instruct-v1:0', { prompt: 'Weather in Paris?' }],
    ['mistral', 'mistral.mistral-small-2402-v1:0', { prompt: '<s>[INST] Weather in Paris? [/INST]' }],
  ])('InvokeModelWithResponseStreamCommand with a %s body: the chunks as they come, the tokens of the invocation metrics', async (_family, modelId, request) => {
    const out = await client.send(new sdk.InvokeModelWithResponseStreamCommand({ modelId, body: body(request), contentType: 'application/json' }));
    let chunks = 0;
    for await (const event of out.body) if (event.chunk) chunks++;
    expect(chunks).toBeGreaterThan(3);
    const [span] = tracing.llmSpans();
    const u = suite.fake.requests[0].usage as any;
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': u.input_tokens, 'gen_ai.usage.output_tokens': u.output_tokens });
    expect(json(span.attributes['gen_ai.output.messages'])[0].parts).toEqual([{ type: 'text', content: FAKE_ANSWER }]);
    expect(span.attributes['agentops.llm.cost']).toBeCloseTo(price(modelId, u.input_tokens, u.output_tokens), 12);
  });

  it('an error mid-stream reaches the app; the span ends once, failed, with an error event', async () => {
    const out = await client.send(new sdk.ConverseStreamCommand({ modelId: 'anthropic.midstream-error', messages }));
    const err = await (async () => {
      for await (const _ of out.stream) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(tracing.llmSpans()).toHaveLength(1);
    expect(tracing.llmSpans()[0].status.code).toBe(SpanStatusCode.ERROR);
    expect(tracing.errorSpans()).toHaveLength(1);
  });

  it('an abort mid-stream (abortSignal) reaches the app; the span ends once', async () => {
    const controller = new AbortController();
    const out = await client.send(new sdk.ConverseStreamCommand({ modelId: 'anthropic.slow', messages }), { abortSignal: controller.signal });
    const err = await (async () => {
      for await (const _ of out.stream) controller.abort();
    })().catch((e: unknown) => e);
    void err;
    expect(tracing.llmSpans()).toHaveLength(1);
  });

  it('a failed command: status ERROR and an error event tied to it; the same error reaches the app', async () => {
    const err = await client.send(new sdk.ConverseCommand({ modelId: 'anthropic.error-429', messages })).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ThrottlingException');
    const [span] = tracing.llmSpans();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(tracing.errorSpans()).toHaveLength(1);
    expect(tracing.errorSpans()[0].attributes['agentops.error.error_type']).toBe('ThrottlingException');
  });

  it('other commands pass untouched, with no span', async () => {
    const out = await client.send(new sdk.ApplyGuardrailCommand({ guardrailIdentifier: 'g', guardrailVersion: '1', source: 'INPUT', content: [] })).catch((e: unknown) => e);
    expect(out).toBeDefined();
    expect(tracing.llmSpans()).toHaveLength(0);
  });

  it('content capture off: no prompt, no completion; tokens and cost stay', async () => {
    await withInstead(instrumentation, new BedrockInstrumentation({ captureContent: false }), tracing.provider, sdk, () => client.send(new sdk.ConverseCommand({ modelId: CLAUDE, messages })));
    const [span] = tracing.llmSpans();
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span.attributes['gen_ai.output.messages']).toBeUndefined();
    expect(span.attributes['agentops.llm.cost']).toBeGreaterThan(0);
  });
});
