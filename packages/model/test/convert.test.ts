import { describe, expect, it } from 'vitest';
import { convertSpan, convertSpans, rootSpanIdFor, spanToUuid, traceIdToUuid, uuidToTraceId, type SpanLike } from '../src/index.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SESSION = traceIdToUuid(TRACE);
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function span(attributes: SpanLike['attributes'], extra: Partial<SpanLike> = {}): SpanLike {
  return { traceId: TRACE, spanId: 'b7ad6b7169203331', name: 'x', startTimeMs: T0, endTimeMs: T0 + 1500, attributes, status: { code: 0 }, ...extra };
}

describe('ids', () => {
  it('session id <-> trace id, and a root span id derived from the session id', () => {
    expect(SESSION).toBe('0af76519-16cd-43dd-8448-eb211c80319c');
    expect(uuidToTraceId(SESSION)).toBe(TRACE);
    expect(uuidToTraceId('not-a-uuid')).toBeUndefined();
    expect(rootSpanIdFor(SESSION)).toMatch(/^[0-9a-f]{16}$/);
    expect(rootSpanIdFor(SESSION)).toBe(rootSpanIdFor(SESSION.toUpperCase()));
    expect(rootSpanIdFor(SESSION)).not.toBe(rootSpanIdFor(traceIdToUuid('1'.repeat(32))));
  });
});

describe('convertSpan: one row per kind of span', () => {
  const cases: Array<[string, SpanLike, Record<string, unknown>]> = [
    [
      'session (ended)',
      span(
        {
          'agentops.span.kind': 'session',
          'agentops.session.id': SESSION,
          'agentops.tags': ['a', 'b'],
          'agentops.session.end_state': 'Failure',
          'agentops.session.end_state_reason': 'boom',
          'agentops.host.env': '{"OS":{"Platform":"linux"}}',
          'agentops.session.video': 'v.mp4',
        },
        { status: { code: 2 } },
      ),
      {
        kind: 'session',
        session: {
          session_id: SESSION,
          init_timestamp: '2026-01-01T00:00:00.000Z',
          end_timestamp: '2026-01-01T00:00:01.500Z',
          end_state: 'Failure',
          end_state_reason: 'boom',
          tags: ['a', 'b'],
          host_env: { OS: { Platform: 'linux' } },
          video: 'v.mp4',
          inherited: false,
        },
      },
    ],
    [
      'session (just started)',
      span({ 'agentops.span.kind': 'session', 'agentops.session.id': SESSION }, { endTimeMs: undefined }),
      { kind: 'session', session: expect.objectContaining({ end_timestamp: null, end_state: null, tags: [] }) },
    ],
    [
      'our LLM event',
      span({
        'agentops.span.kind': 'llm',
        'agentops.event.id': 'e1',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 20,
        'gen_ai.usage.cache_read.input_tokens': 50,
        'gen_ai.usage.reasoning.output_tokens': 5,
        'agentops.llm.cost': 0.5,
        'agentops.llm.prompt': '[{"role":"user","content":"hi"}]',
        'agentops.llm.completion': '{"role":"assistant","content":"yo"}',
        'gen_ai.request.temperature': 0.2,
        'gen_ai.response.finish_reasons': ['stop'],
        'agentops.llm.time_to_first_token_ms': 42,
      }),
      {
        kind: 'event',
        event: expect.objectContaining({
          id: 'e1',
          event_type: 'llms',
          session_id: SESSION,
          model: 'gpt-4o-2024-08-06',
          prompt: [{ role: 'user', content: 'hi' }],
          completion: { role: 'assistant', content: 'yo' },
          prompt_tokens: 100,
          completion_tokens: 20,
          cache_read_tokens: 50,
          reasoning_tokens: 5,
          cost: 0.5,
          params: { temperature: 0.2 },
          finish_reasons: ['stop'],
          time_to_first_token_ms: 42,
          span_id: 'b7ad6b7169203331',
        }),
      },
    ],
    [
      'GenAI span of another instrumentation, current names (cost from the price table)',
      span({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.provider.name': 'openai', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100 }),
      {
        kind: 'event',
        event: expect.objectContaining({ id: spanToUuid(TRACE, 'b7ad6b7169203331'), event_type: 'llms', model: 'gpt-4o-mini', provider: 'openai', prompt_tokens: 1000, cost: expect.any(Number) }),
      },
    ],
    [
      'GenAI span, older names (prompt_tokens / completion_tokens, gen_ai.system)',
      span({ 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-3.5-turbo', 'gen_ai.usage.prompt_tokens': 7, 'gen_ai.usage.completion_tokens': 3 }),
      { kind: 'event', event: expect.objectContaining({ event_type: 'llms', provider: 'openai', prompt_tokens: 7, completion_tokens: 3 }) },
    ],
    [
      'OpenInference LLM span',
      span({ 'openinference.span.kind': 'LLM', 'llm.model_name': 'claude-3-5-haiku-latest', 'llm.provider': 'anthropic', 'llm.token_count.prompt': 11, 'llm.token_count.completion': 4, 'input.value': 'hello' }),
      { kind: 'event', event: expect.objectContaining({ event_type: 'llms', model: 'claude-3-5-haiku-latest', prompt_tokens: 11, completion_tokens: 4, prompt: 'hello' }) },
    ],
    [
      'action',
      span({ 'agentops.span.kind': 'action', 'agentops.event.id': 'a1', 'agentops.action.action_type': 'search', 'agentops.action.params': '{"q":1}', 'agentops.action.returns': 'plain text', 'agentops.agent.id': 'ag' }),
      { kind: 'event', event: expect.objectContaining({ id: 'a1', event_type: 'actions', action_type: 'search', params: { q: 1 }, returns: 'plain text', agent_id: 'ag' }) },
    ],
    [
      'tool',
      span({ 'agentops.span.kind': 'tool', 'agentops.event.id': 't1', 'agentops.tool.name': 'calc', 'agentops.tool.returns': '42' }),
      { kind: 'event', event: expect.objectContaining({ id: 't1', event_type: 'tools', name: 'calc', returns: 42 }) },
    ],
    [
      'error',
      span(
        { 'agentops.span.kind': 'error', 'agentops.event.id': 'x1', 'agentops.error.error_type': 'TypeError', 'agentops.error.details': 'bad', 'agentops.error.trigger_event_id': 't1', 'agentops.error.trigger_event_type': 'tools' },
        { status: { code: 2, message: 'bad' } },
      ),
      {
        kind: 'event',
        event: expect.objectContaining({ id: 'x1', event_type: 'errors', error_type: 'TypeError', details: 'bad', trigger_event_id: 't1', trigger_event_type: 'tools', timestamp: '2026-01-01T00:00:00.000Z' }),
      },
    ],
    [
      'agent',
      span({ 'agentops.span.kind': 'agent', 'agentops.agent.id': 'ag', 'agentops.agent.name': 'planner' }),
      { kind: 'agent', agent: { id: 'ag', name: 'planner', session_id: SESSION } },
    ],
    ['an HTTP span is no part of the model', span({ 'http.request.method': 'GET' }), {}],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    const out = convertSpan(input);
    if (Object.keys(expected).length === 0) expect(out).toBeUndefined();
    else expect(out).toEqual(expected);
  });

  it('a GenAI tool execution is a tool event, not an LLM call; invoke_agent is an agent', () => {
    const tool = convertSpan(span({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'x', 'gen_ai.tool.call.arguments': '{"a":1}', 'gen_ai.usage.input_tokens': 9 }));
    expect(tool?.kind === 'event' && tool.event).toMatchObject({ event_type: 'tools', name: 'x', params: { a: 1 } });
    const agent = convertSpan(span({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner', 'gen_ai.usage.input_tokens': 90 }));
    expect(agent?.kind === 'agent' && agent.agent.name).toBe('planner');
  });

  it('an explicit agentops.session.id wins over the trace id', () => {
    const other = '11111111-2222-4333-8444-555555555555';
    const out = convertSpan(span({ 'gen_ai.request.model': 'm', 'agentops.session.id': other }));
    expect(out?.kind === 'event' && out.event.session_id).toBe(other);
  });
});

describe('convertSpans', () => {
  it('splits a batch, and counts an LLM span nested in another LLM span once', () => {
    const outer = span({ 'agentops.span.kind': 'llm', 'gen_ai.request.model': 'claude' }, { spanId: '1111111111111111' });
    const inner = span({ 'gen_ai.request.model': 'claude', 'gen_ai.usage.input_tokens': 3 }, { spanId: '2222222222222222', parentSpanId: '1111111111111111' });
    const session = span({ 'agentops.span.kind': 'session' }, { spanId: '3333333333333333' });
    const tool = span({ 'agentops.span.kind': 'tool', 'agentops.event.id': 't' }, { spanId: '4444444444444444', parentSpanId: '3333333333333333' });
    const batch = convertSpans([outer, inner, session, tool]);
    expect(batch.sessions).toHaveLength(1);
    expect(batch.events.map((e) => e.event_type).sort()).toEqual(['llms', 'tools']);
  });
});

describe('computeLlmCost', () => {
  it('gives what the price table gives, on the first call of a model and on later ones (flat prices are remembered)', async () => {
    const { calcPrice } = await import('@pydantic/genai-prices');
    const { computeLlmCost } = await import('../src/index.js');
    const cases = [
      { model: 'gpt-4o-mini', provider: 'openai', inputTokens: 1000, outputTokens: 100 },
      { model: 'gpt-4o-mini', provider: 'openai', inputTokens: 5000, outputTokens: 7, cacheReadTokens: 4000 },
      { model: 'claude-sonnet-4-20250514', provider: 'anthropic', inputTokens: 3000, outputTokens: 500, cacheWriteTokens: 1000 },
      { model: 'claude-sonnet-4-20250514', provider: 'anthropic', inputTokens: 900, outputTokens: 5, cacheReadTokens: 300, cacheWriteTokens: 100 },
      { model: 'gemini-1.5-pro', provider: 'gcp.gemini', inputTokens: 300_000, outputTokens: 10 },
      { model: 'gemini-1.5-pro', provider: 'gcp.gemini', inputTokens: 1000, outputTokens: 10 },
    ];
    const ids: Record<string, string> = { openai: 'openai', anthropic: 'anthropic', 'gcp.gemini': 'google' };
    for (const c of cases) {
      const tokens: Record<string, number> = { input_tokens: c.inputTokens, output_tokens: c.outputTokens };
      if (c.cacheReadTokens) tokens.cache_read_tokens = c.cacheReadTokens;
      if (c.cacheWriteTokens) tokens.cache_write_tokens = c.cacheWriteTokens;
      const expected = calcPrice(tokens, c.model, { providerId: ids[c.provider] })?.total_price;
      expect(computeLlmCost(c)).toBeCloseTo(expected ?? NaN, 12);
    }
  });
});
