// Two OpenAI Agents SDK agents that know nothing of AgentOps: run them with
//   node --import @agentops/otel/register index.mjs
// AgentOps adds its trace processor beside the SDK's. Without OPENAI_API_KEY they talk to the bundled offline
// fake model (and OpenAI's own trace exporter, which cannot reach OpenAI then, is left out).
import { Agent, run, setDefaultOpenAIClient, setTraceProcessors, tool } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';
import { startFakeLlm } from '@agentops/fake-llm';

const fake = process.env.OPENAI_API_KEY ? undefined : await startFakeLlm();
if (fake) {
  setDefaultOpenAIClient(new OpenAI({ baseURL: fake.openaiBaseURL, apiKey: 'sk-fake' }));
  setTraceProcessors([]);
}
const getWeather = tool({
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => JSON.stringify({ city, sky: 'sunny', celsius: 21 }),
});
const weather = new Agent({ name: 'Weather agent', instructions: 'Answer with the weather tool.', model: 'gpt-4o-mini', tools: [getWeather] });
const triage = new Agent({ name: 'Triage', instructions: 'Hand weather questions to the weather agent.', model: 'gpt-4o-mini', handoffs: [weather] });
const result = await run(triage, 'What is the weather in Paris?');
console.log(`${result.lastAgent?.name}: ${result.finalOutput}`);
await fake?.close();
