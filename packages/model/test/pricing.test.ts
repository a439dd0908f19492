import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { computeLlmCost } from '../src/index.js';

const require = createRequire(import.meta.url);
const { calcPrice } = require('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices');

/** The provider names our instrumentations write (`gen_ai.provider.name`), the genai-prices table each means, a model. */
const PROVIDERS: Array<[string, string, string]> = [
  ['openai', 'openai', 'gpt-4o-mini'],
  ['anthropic', 'anthropic', 'claude-3-5-haiku-20241022'],
  ['gcp.gemini', 'google', 'gemini-2.5-flash'],
  ['gcp.vertex_ai', 'google', 'gemini-2.5-flash'],
  ['aws.bedrock', 'aws', 'anthropic.claude-3-5-haiku-20241022-v1:0'],
  ['aws.bedrock', 'aws', 'amazon.nova-lite-v1:0'],
  ['mistral_ai', 'mistral', 'mistral-small-latest'],
  ['cohere', 'cohere', 'command-a-03-2025'],
  ['groq', 'groq', 'llama-3.3-70b-versatile'],
  ['deepseek', 'deepseek', 'deepseek-chat'],
  ['x_ai', 'x-ai', 'grok-3'],
];
/** Token mixes: plain, with cache reads, with cache reads and writes, input only (embeddings). */
const MIXES = [
  { inputTokens: 1200, outputTokens: 300 },
  { inputTokens: 5000, outputTokens: 200, cacheReadTokens: 3000 },
  { inputTokens: 8000, outputTokens: 900, cacheReadTokens: 4000, cacheWriteTokens: 1000 },
  { inputTokens: 700, outputTokens: 0 },
];

describe('cost = @pydantic/genai-prices’ own price, for every provider our instrumentations name', () => {
  it.each(PROVIDERS)('%s (%s table): %s', (provider, providerId, model) => {
    for (const mix of MIXES) {
      const tokens: Record<string, number> = { input_tokens: mix.inputTokens, output_tokens: mix.outputTokens };
      if (mix.cacheReadTokens) tokens.cache_read_tokens = mix.cacheReadTokens;
      if (mix.cacheWriteTokens) tokens.cache_write_tokens = mix.cacheWriteTokens;
      let expected: number | undefined;
      try {
        expected = calcPrice(tokens, model, { providerId })?.total_price;
      } catch {
        expected = undefined;
      }
      // Twice: the second one goes through the flat-price shortcut when the model has one.
      for (let i = 0; i < 2; i++) {
        const ours = computeLlmCost({ model, provider, ...mix });
        if (expected === undefined) expect(ours).toBeUndefined();
        else expect(ours).toBeCloseTo(expected, 12);
      }
      // Every model here has a price; a mix with cache writes may not (not every table prices writes).
      if (!mix.cacheWriteTokens) expect(expected).toBeGreaterThan(0);
    }
  });
});

describe('the last flat price found is reused only for the same provider and model', () => {
  it('interleaved models, and one model name under two providers, each get their own table’s price', () => {
    const pairs: Array<[string, string, string]> = [
      ...PROVIDERS,
      // The same model name in two tables (OpenAI's and Azure's), and a name only one of them prices.
      ['azure.ai.openai', 'azure', 'gpt-4o-mini'],
      ['openai', 'openai', 'gpt-4o-mini'],
      ['groq', 'groq', 'gpt-4o-mini'],
    ];
    const mix = MIXES[1]!;
    const tokens = { input_tokens: mix.inputTokens, output_tokens: mix.outputTokens, cache_read_tokens: mix.cacheReadTokens! };
    for (let round = 0; round < 3; round++) {
      for (const [provider, providerId, model] of round === 1 ? [...pairs].reverse() : pairs) {
        let expected: number | undefined;
        try {
          expected = calcPrice(tokens, model, { providerId })?.total_price;
        } catch {
          expected = undefined;
        }
        // A fresh string each time, as a response gives the model's name.
        const ours = computeLlmCost({ model: [...model].join(''), provider, ...mix });
        if (expected === undefined) expect(ours, `${provider} ${model}`).toBeUndefined();
        else expect(ours, `${provider} ${model}`).toBeCloseTo(expected, 12);
      }
    }
  });
});
