// The same OpenAI Agents SDK runs for 0.14 (Node 20, openai 6) and the newest (Node 24, openai 7), against the
// fake model server (OPENAI_BASE_URL). SCENARIO lists the runs; what the SDK returned is printed as
// `RESULT <json>`.

/** @param {{ agents: any, OpenAI: any, z: any }} m */
export async function run({ agents, OpenAI, z }) {
  const { Agent, run: runAgent, tool, setTraceProcessors, setDefaultOpenAIClient, OpenAIChatCompletionsModel } = agents;
  // OpenAI's own trace exporter cannot reach OpenAI here: the app sets its processors to none (AgentOps' stays).
  setTraceProcessors([]);
  const client = new OpenAI({ apiKey: 'sk-fake', baseURL: `${process.env.FAKE_URL}/v1`, maxRetries: 0 });
  setDefaultOpenAIClient(client);
  const getWeather = tool({ name: 'get_weather', description: 'The weather in a city', parameters: z.object({ city: z.string() }), execute: async ({ city }) => JSON.stringify({ city, celsius: 21 }) });
  const brokenWeather = tool({
    name: 'broken_weather',
    description: 'Fails',
    parameters: z.object({ city: z.string() }),
    execute: async () => {
      throw new Error('weather station offline');
    },
  });
  const results = {};
  for (const name of (process.env.SCENARIO ?? 'plain').split(',')) {
    if (name === 'plain') {
      const agent = new Agent({ name: 'Assistant', instructions: 'Be brief.', model: 'gpt-4o-mini' });
      results.plain = { output: (await runAgent(agent, 'Weather in Paris?')).finalOutput };
    }
    if (name === 'tools') {
      const agent = new Agent({ name: 'Forecaster', instructions: 'Use the tool.', model: 'gpt-4o-mini', tools: [getWeather] });
      results.tools = { output: (await runAgent(agent, 'Weather in Paris?')).finalOutput };
    }
    if (name === 'stream') {
      const agent = new Agent({ name: 'Streamer', instructions: 'Be brief.', model: 'gpt-4o-mini' });
      const r = await runAgent(agent, 'Weather in Paris?', { stream: true });
      for await (const _ of r.toTextStream()) void _;
      await r.completed;
      results.stream = { output: r.finalOutput };
    }
    if (name === 'chat') {
      const agent = new Agent({ name: 'ChatAgent', instructions: 'Be brief.', model: new OpenAIChatCompletionsModel(client, 'gpt-4o-mini') });
      results.chat = { output: (await runAgent(agent, 'Weather in Paris?')).finalOutput };
    }
    if (name === 'handoff') {
      const weather = new Agent({ name: 'Weather agent', instructions: 'Answer about the weather.', model: 'gpt-4o-mini' });
      const triage = new Agent({ name: 'Triage', instructions: 'Hand over.', model: 'gpt-4o-mini', handoffs: [weather] });
      const r = await runAgent(triage, 'Weather in Paris?');
      results.handoff = { output: r.finalOutput, last: r.lastAgent?.name };
    }
    if (name === 'tool-error') {
      const agent = new Agent({ name: 'Unlucky', instructions: 'Use the tool.', model: 'gpt-4o-mini', tools: [brokenWeather] });
      results.toolError = { output: (await runAgent(agent, 'Weather in Paris?')).finalOutput };
    }
    if (name === 'max-turns') {
      const agent = new Agent({ name: 'Looper', instructions: 'Use the tool.', model: 'gpt-4o-mini', tools: [getWeather] });
      try {
        await runAgent(agent, 'Weather in Paris?', { maxTurns: 1 });
      } catch (e) {
        results.maxTurns = { error: e.constructor.name };
      }
    }
    if (name === 'guardrail') {
      const agent = new Agent({
        name: 'Guarded',
        instructions: 'Be brief.',
        model: 'gpt-4o-mini',
        inputGuardrails: [{ name: 'no_paris', runInParallel: false, execute: async () => ({ tripwireTriggered: true, outputInfo: { reason: 'Paris' } }) }],
      });
      try {
        await runAgent(agent, 'Weather in Paris?');
      } catch (e) {
        results.guardrail = { error: e.constructor.name };
      }
    }
  }
  console.log(`RESULT ${JSON.stringify(results)}`);
}
