// Every GenAI content convention in use, read by the one converter: real spans recorded from each vendor's
// OpenAI instrumentation (against the fake model server), never hand-written.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { convertSpans, type LLMEventModel, type SpanLike } from '@agentops/model';
import { describe, expect, it } from 'vitest';

async function peerSpans(which: string): Promise<SpanLike[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(__dirname, 'fixtures', 'peer-spans.cjs'), which]);
  return JSON.parse(stdout) as SpanLike[];
}

const text = (v: unknown) => JSON.stringify(v ?? null);

describe('GenAI conventions of other instrumentations', () => {
  it.each([
    ['@traceloop/instrumentation-openai 0.27 (gen_ai.input.messages / output.messages JSON)', 'traceloop', true],
    ['@traceloop/instrumentation-openai 0.14 (indexed gen_ai.prompt.N.* / gen_ai.completion.N.*)', 'traceloop-indexed', true],
    ['@arizeai/openinference-instrumentation-openai (llm.input_messages.N.message.*)', 'openinference', true],
    ['@opentelemetry/instrumentation-openai (usage on the span; content goes to log records)', 'contrib', false],
  ])('%s: one LLM event with model, tokens, cost and the content it carries', async (_name, which, hasContent) => {
    const spans = await peerSpans(which);
    const { events } = convertSpans(spans);
    const llms = events.filter((e): e is LLMEventModel => e.event_type === 'llms');
    expect(llms).toHaveLength(1);
    const [e] = llms;
    expect(e.model).toMatch(/^gpt-4o-mini/);
    expect(e.prompt_tokens).toBe(22);
    expect(e.completion_tokens).toBe(27);
    expect(e.cost).toBeGreaterThan(0);
    if (hasContent) {
      expect(text(e.prompt)).toContain('Weather in Paris?');
      expect(text(e.prompt)).toContain('Be brief.');
      expect(text(e.completion)).toContain('sunny with a light breeze');
    } else {
      expect(e.prompt).toBeNull();
    }
  });

  it('the older GenAI span events (gen_ai.user.message, gen_ai.choice) are read as prompt and completion', () => {
    const span: SpanLike = {
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      name: 'chat gpt-4o-mini',
      startTimeMs: 1,
      endTimeMs: 2,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 5 },
      status: { code: 0 },
      events: [
        { name: 'gen_ai.system.message', timeMs: 1, attributes: { content: 'Be brief.' } },
        { name: 'gen_ai.user.message', timeMs: 1, attributes: { content: 'Weather in Paris?' } },
        { name: 'gen_ai.choice', timeMs: 2, attributes: { index: 0, finish_reason: 'stop', message: '{"role":"assistant","content":"Sunny."}' } },
      ],
      resourceAttributes: {},
    };
    const [e] = convertSpans([span]).events as LLMEventModel[];
    expect(e.prompt).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
    ]);
    expect(e.completion).toEqual([{ role: 'assistant', content: 'Sunny.', finish_reason: 'stop' }]);
  });
});
