// A Vercel AI SDK agent that knows nothing of AgentOps: run it with
//   node --import @agentops/otel/register index.mjs
// The preload turns on the AI SDK's own telemetry. Without OPENAI_API_KEY it talks to the bundled offline fake model.
import { generateText, stepCountIs, tool } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { z } from 'zod';
import { startFakeLlm } from '@agentops/fake-llm';

const fake = process.env.OPENAI_API_KEY ? undefined : await startFakeLlm();
const openai = createOpenAI(fake ? { baseURL: fake.openaiBaseURL, apiKey: 'sk-fake' } : {});
const getWeather = tool({
  description: 'The weather in a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, sky: 'sunny', celsius: 21 }),
});
const { text, steps } = await generateText({
  model: openai.chat(process.env.OPENAI_MODEL || 'gpt-4o-mini'),
  prompt: 'What is the weather in Paris?',
  tools: { get_weather: getWeather },
  stopWhen: stepCountIs(3),
});
console.log(`Agent (${steps.length} steps): ${text}`);
await fake?.close();
