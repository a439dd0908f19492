import { beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AnthropicInstrumentation } from '@agentops/instrumentation-anthropic';
import { FAKE_ANSWER } from '@agentops/fake-llm';
import { ANTHROPIC_VERSIONS, instrumentationSuite, json, load } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the client's types differ across its major versions */

const instrumentation = new AnthropicInstrumentation();
const suite = instrumentationSuite(instrumentation);
const tracing = suite.tracing;

const messages = [{ role: 'user', content: 'Weather in Paris?' }];
const tools = [{ name: 'get_weather', description: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];

describe.each(ANTHROPIC_VERSIONS)('%s', (alias) => {
  const { module: mod } = load<any>(alias);
  const Anthropic = mod.Anthropic ?? mod.default;
  instrumentation.patch(mod);
  let client: any;
  beforeAll(() => {
    client = new Anthropic({ baseURL: suite.fake.anthropicBaseURL, apiKey: 'sk-ant-test', maxRetries: 0 });
  });

  it('messages.create: one span with GenAI attributes; cache tokens are part of input tokens', async () => {
    const params = { model: 'claude-sonnet-4-20250514', max_tokens: 256, system: 'Be brief.', messages };
    const frozen = structuredClone(params);
    const res = await client.messages.create(params);
    expect(res.content[0].text).toBe(FAKE_ANSWER);
    expect(suite.fake.requests[0].body).toEqual(frozen);
    const [span] = tracing.llmSpans();
    expect(span.name).toBe('chat claude-sonnet-4-20250514');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.max_tokens': 256,
      'gen_ai.response.id': res.id,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': res.usage.input_tokens + res.usage.cache_read_input_tokens + res.usage.cache_creation_input_tokens,
      'gen_ai.usage.output_tokens': res.usage.output_tokens,
    });
    expect(span.attributes['agentops.llm.cost']).toBeGreaterThan(0);
    expect(json(span.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(json(span.attributes['gen_ai.output.messages'])[0].parts[0]).toEqual({ type: 'text', content: FAKE_ANSWER });
  });

  it('messages.create with stream: true adds the events up; chunks pass through', async () => {
    const stream = await client.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 256, messages, stream: true });
    let text = '';
    for await (const e of stream) if (e.type === 'content_block_delta') text += e.delta.text;
    expect(text).toBe(FAKE_ANSWER);
    const [span] = tracing.llmSpans();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(1);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['end_turn']);
    expect(span.attributes['agentops.llm.time_to_first_token_ms']).toBeGreaterThanOrEqual(0);
    expect(json(span.attributes['gen_ai.output.messages'])[0].parts[0].content).toBe(FAKE_ANSWER);
  });

  it('messages.stream() helper: one span, finalMessage() as without us', async () => {
    const stream = client.messages.stream({ model: 'claude-sonnet-4-20250514', max_tokens: 256, messages, tools });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
    expect(tracing.llmSpans()).toHaveLength(1);
    const [span] = tracing.llmSpans();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_use']);
    expect(json(span.attributes['gen_ai.output.messages'])[0].parts[0]).toEqual({ type: 'tool_call', id: 'toolu_fake_1', name: 'get_weather', arguments: { city: 'Paris' } });
  });

  it('tool_use responses and tool_result requests are recorded as tool parts', async () => {
    await client.messages.create({
      model: 'claude-sonnet-4-20250514',
      max_tokens: 256,
      tools,
      messages: [...messages, { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input: { city: 'Paris' } }] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'sunny' }] }],
    });
    const input = json(tracing.llmSpans()[0].attributes['gen_ai.input.messages']);
    expect(input[1].parts[0]).toEqual({ type: 'tool_call', id: 't1', name: 'get_weather', arguments: { city: 'Paris' } });
    expect(input[2].parts[0]).toEqual({ type: 'tool_call_response', id: 't1', response: 'sunny' });
  });

  it('withResponse() and asResponse() keep working', async () => {
    const { data, response } = await client.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 10, messages }).withResponse();
    expect(data.content[0].text).toBe(FAKE_ANSWER);
    expect(response.status).toBe(200);
    const raw = await client.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 10, messages }).asResponse();
    expect((await raw.json()).type).toBe('message');
  });

  it.each([429, 500])('a %i reaches the app unchanged; span ERROR and an error event', async (status) => {
    let caught: any;
    try {
      await client.messages.create({ model: `error-${status}`, max_tokens: 10, messages });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Anthropic.APIError);
    expect(caught.status).toBe(status);
    expect(tracing.llmSpans()[0].status.code).toBe(SpanStatusCode.ERROR);
    expect(tracing.errorSpans()[0].attributes['agentops.error.code']).toBe(String(status));
  });

  it('an error mid-stream reaches the app; the span ends once as ERROR', async () => {
    const stream = await client.messages.create({ model: 'midstream-error', max_tokens: 10, messages, stream: true });
    await expect(async () => {
      for await (const _ of stream) void _;
    }).rejects.toThrow();
    expect(tracing.llmSpans()).toHaveLength(1);
    expect(tracing.llmSpans()[0].status.code).toBe(SpanStatusCode.ERROR);
  });
});
