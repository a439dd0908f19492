// The same AI SDK calls for every major version (4 to 7), against the fake model server at FAKE_URL. SCENARIO
// lists the calls to make; what the AI SDK itself returned is printed as `RESULT <json>` for the test to compare.

/** @param {{ ai: any, createOpenAI: any, createAnthropic: any, z: any, major: number }} m */
export async function run({ ai, createOpenAI, createAnthropic, z, major }) {
  const fake = process.env.FAKE_URL;
  const openai = createOpenAI({ baseURL: `${fake}/v1`, apiKey: 'sk-fake' });
  const anthropic = createAnthropic({ baseURL: `${fake}/v1`, apiKey: 'fake' });
  const chat = (m) => (typeof openai.chat === 'function' ? openai.chat(m) : openai(m));
  const schema = (s) => (major >= 5 ? { inputSchema: s } : { parameters: s });
  const twoSteps = major >= 5 ? { stopWhen: ai.stepCountIs(2) } : { maxSteps: 2 };
  const telemetryKey = major >= 7 ? 'telemetry' : 'experimental_telemetry';
  const results = {};
  const usageOf = (r) => ({ usage: r.usage, totalUsage: r.totalUsage, providerMetadata: r.providerMetadata, steps: r.steps?.length });
  for (const name of (process.env.SCENARIO ?? 'plain').split(',')) {
    if (name === 'plain') results.plain = usageOf(await ai.generateText({ model: chat('gpt-4o-mini'), prompt: 'Weather in Paris?' }));
    if (name === 'stream') {
      const s = ai.streamText({ model: chat('gpt-4o-mini'), prompt: 'Weather in Paris?' });
      let text = '';
      for await (const d of s.textStream) text += d;
      results.stream = { text, usage: await s.usage };
    }
    if (name === 'tools') {
      const get_weather = ai.tool({ description: 'The weather in a city', ...schema(z.object({ city: z.string() })), execute: async ({ city }) => ({ city, celsius: 21 }) });
      const r = await ai.generateText({ model: chat('gpt-4o-mini'), prompt: 'Weather in Paris?', tools: { get_weather }, ...twoSteps });
      results.tools = { ...usageOf(r), text: r.text };
    }
    if (name === 'anthropic-cached') results.anthropicCached = usageOf(await ai.generateText({ model: anthropic('claude-3-5-haiku-20241022'), prompt: 'Weather in Paris? [cached]' }));
    if (name === 'openai-cached') results.openaiCached = usageOf(await ai.generateText({ model: chat('gpt-4o-mini'), prompt: 'Weather in Paris? [cached]' }));
    if (name === 'disabled') await ai.generateText({ model: chat('gpt-4o-mini'), prompt: 'not traced', [telemetryKey]: { isEnabled: false } });
    if (name === 'object') {
      const schema = z.object({ city: z.string(), sky: z.string(), celsius: z.number() });
      const r = await ai.generateObject({ model: chat('gpt-4o-mini'), schema, prompt: 'Weather in Paris as JSON?' });
      const s = ai.streamObject({ model: chat('gpt-4o-mini'), schema, prompt: 'Weather in Paris as JSON?' });
      for await (const _ of s.partialObjectStream) void _;
      results.object = { object: r.object, streamed: await s.object };
    }
    if (name === 'embed-many') {
      const model = typeof openai.embedding === 'function' ? openai.embedding('text-embedding-3-small') : openai.textEmbeddingModel('text-embedding-3-small');
      results.embedMany = { usage: (await ai.embedMany({ model, values: ['Paris', 'Lyon'] })).usage };
    }
    if (name === 'embed') {
      const model = typeof openai.embedding === 'function' ? openai.embedding('text-embedding-3-small') : openai.textEmbeddingModel('text-embedding-3-small');
      results.embed = { usage: (await ai.embed({ model, value: 'Paris' })).usage };
    }
  }
  console.log(`RESULT ${JSON.stringify(results)}`);
}
