import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import * as agentops from '../src/index.js';
import { byKind, initInMemory, resetAfterEach } from './helpers.js';

resetAfterEach();

describe('LLM cost from @pydantic/genai-prices', () => {
  it('prices an LLM event from its model and tokens, cache reads included', async () => {
    const { session, spans } = initInMemory();
    const s = session!;
    s.record(new agentops.LLMEvent({ model: 'gpt-4o', provider: 'openai', promptTokens: 10_000, completionTokens: 500 }));
    s.record(
      new agentops.LLMEvent({ model: 'gpt-4o', provider: 'openai', promptTokens: 10_000, cacheReadTokens: 8000, completionTokens: 500 }),
    );
    const cost = await s.endSession('Success');
    const plain = calcPrice({ input_tokens: 10_000, output_tokens: 500 }, 'gpt-4o', { providerId: 'openai' })!.total_price;
    const cached = calcPrice({ input_tokens: 10_000, cache_read_tokens: 8000, output_tokens: 500 }, 'gpt-4o', { providerId: 'openai' })!.total_price;
    expect(cached).toBeLessThan(plain);
    const llms = byKind(await spans(), 'llm');
    expect(llms.map((l) => l.attributes['agentops.llm.cost'])).toEqual([plain, cached]);
    expect(cost).toBe((plain + cached).toFixed(6));
    expect(llms[1].attributes['gen_ai.usage.cache_read.input_tokens']).toBe(8000);
    expect(llms[0].name).toBe('chat gpt-4o');
    expect(llms[0].attributes['gen_ai.request.model']).toBe('gpt-4o');
    expect(llms[0].attributes['gen_ai.usage.input_tokens']).toBe(10_000);
  });

  it('prices reasoning and cache-write tokens of Anthropic models', () => {
    const { session } = initInMemory();
    const s = session!;
    s.record(
      new agentops.LLMEvent({
        model: 'claude-sonnet-4-20250514',
        provider: 'anthropic',
        promptTokens: 5000,
        cacheCreationTokens: 4000,
        completionTokens: 300,
        reasoningTokens: 100,
      }),
    );
    const expected = calcPrice({ input_tokens: 5000, cache_write_tokens: 4000, output_tokens: 300 }, 'claude-sonnet-4-20250514', {
      providerId: 'anthropic',
    })!.total_price;
    expect(s.getAnalytics().Cost).toBe(expected.toFixed(6));
  });

  it('an explicit cost wins over the price table', async () => {
    const { session } = initInMemory();
    session!.record(new agentops.LLMEvent({ model: 'gpt-4o', promptTokens: 1_000_000, completionTokens: 0, cost: 0.000123 }));
    expect(await session!.endSession('Success')).toBe('0.000123');
  });

  it('an unknown model leaves the cost unknown, never a made-up number', async () => {
    const { session, spans } = initInMemory();
    session!.record(new agentops.LLMEvent({ model: 'my-private-model-9000', promptTokens: 1000, completionTokens: 1000 }));
    expect(await session!.endSession('Success')).toBe('0.000000');
    const [llm] = byKind(await spans(), 'llm');
    expect(llm.attributes['agentops.llm.cost']).toBeUndefined();
    expect(session!.getAnalytics()['LLM calls']).toBe(1);
  });
});
