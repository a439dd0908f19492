// A LangGraph.js agent that knows nothing of AgentOps: run it with
//   node --import @agentops/otel/register index.mjs
// AgentOps' callback handler joins every run. Without OPENAI_API_KEY it talks to the bundled offline fake model.
import { ChatOpenAI } from '@langchain/openai';
import { tool } from '@langchain/core/tools';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { z } from 'zod';
import { startFakeLlm } from '@agentops/fake-llm';

const fake = process.env.OPENAI_API_KEY ? undefined : await startFakeLlm();
const llm = new ChatOpenAI({ model: process.env.OPENAI_MODEL || 'gpt-4o-mini', ...(fake ? { apiKey: 'sk-fake', configuration: { baseURL: fake.openaiBaseURL } } : {}) });
const getWeather = tool(async ({ city }) => JSON.stringify({ city, sky: 'sunny', celsius: 21 }), {
  name: 'get_weather',
  description: 'The weather in a city',
  schema: z.object({ city: z.string() }),
});
const agent = createReactAgent({ llm, tools: [getWeather] });
const { messages } = await agent.invoke({ messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
console.log(`Agent: ${messages.at(-1).content}`);
await fake?.close();
