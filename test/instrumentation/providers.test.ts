// The real provider behind an OpenAI-compatible endpoint: from the client's base URL, the call is attributed
// (gen_ai.provider.name) and priced as that provider's, exactly as @pydantic/genai-prices prices it.
import { createRequire } from 'node:module';
import { OpenAIInstrumentation } from '@agentops/instrumentation-openai';
import { describe, expect, it } from 'vitest';
import { instrumentationSuite, load, OPENAI_VERSIONS } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the client's types differ across its major versions */

const instrumentation = new OpenAIInstrumentation();
const suite = instrumentationSuite(instrumentation);
const { calcPrice } = createRequire(import.meta.url)('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices');

const alias = OPENAI_VERSIONS[OPENAI_VERSIONS.length - 1];
const { module: mod } = load<any>(alias);
const OpenAI = mod.OpenAI ?? mod.default;
instrumentation.patch(mod);

/** A client that believes it talks to `baseURL`, while its requests go to the fake model server on loopback. */
function clientFor(baseURL: string) {
  const fetchToFake = (url: string | URL, init?: RequestInit) => {
    const u = new URL(String(url));
    return fetch(`${suite.fake.openaiBaseURL}${u.pathname.replace(/^.*\/chat\/completions$/, '/chat/completions')}`, init);
  };
  return new OpenAI({ baseURL, apiKey: 'sk-test', maxRetries: 0, fetch: fetchToFake });
}

describe(`${alias} through OpenAI-compatible endpoints`, () => {
  it.each([
    ['https://api.groq.com/openai/v1', 'llama-3.3-70b-versatile', 'groq', 'groq'],
    ['https://api.deepseek.com/v1', 'deepseek-chat', 'deepseek', 'deepseek'],
    ['https://openrouter.ai/api/v1', 'openai/gpt-4o-mini', 'openrouter', 'openrouter'],
    ['https://api.x.ai/v1', 'grok-3', 'x_ai', 'x-ai'],
    ['https://api.together.xyz/v1', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', 'together', 'together'],
    ['https://api.fireworks.ai/inference/v1', 'accounts/fireworks/models/llama-v3p1-8b-instruct', 'fireworks', 'fireworks'],
    ['https://my-resource.openai.azure.com/openai/deployments/chat', 'gpt-4o-mini', 'azure.ai.openai', 'azure'],
    ['https://api.mistral.ai/v1', 'mistral-large-latest', 'mistral_ai', 'mistral'],
  ])('%s (%s): provider %s, priced with the %s table', async (baseURL, model, provider, priceId) => {
    await clientFor(baseURL).chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello there' }] });
    const [span] = suite.tracing.llmSpans();
    expect(span.attributes['gen_ai.provider.name']).toBe(provider);
    expect(span.attributes['server.address']).toBe(new URL(baseURL).hostname);
    const input = span.attributes['gen_ai.usage.input_tokens'] as number;
    const output = span.attributes['gen_ai.usage.output_tokens'] as number;
    const expected = calcPrice({ input_tokens: input, output_tokens: output }, String(span.attributes['gen_ai.response.model']), { providerId: priceId });
    expect(expected?.total_price).toBeGreaterThan(0);
    expect(span.attributes['agentops.llm.cost']).toBeCloseTo(expected!.total_price, 12);
  });

  it('Ollama on localhost:11434 is ollama, its cost unknown (not priced as OpenAI)', async () => {
    await clientFor('http://localhost:11434/v1').chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Hi' }] });
    const [span] = suite.tracing.llmSpans();
    expect(span.attributes['gen_ai.provider.name']).toBe('ollama');
    expect(span.attributes['agentops.llm.cost']).toBeUndefined();
  });

  it('an unknown host stays openai-compatible: an OpenAI model is priced as OpenAI, another model is never', async () => {
    const client = clientFor('https://llm.internal.example/v1');
    await client.chat.completions.create({ model: 'llama-3.3-70b-versatile', messages: [{ role: 'user', content: 'Hi' }] });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
    const [other, openai] = suite.tracing.llmSpans();
    expect(other.attributes['gen_ai.provider.name']).toBe('openai');
    expect(other.attributes['agentops.llm.cost']).toBeUndefined();
    expect(openai.attributes['agentops.llm.cost']).toBeGreaterThan(0);
  });
});
