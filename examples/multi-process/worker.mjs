// Knows nothing of AgentOps; its LLM call lands in the parent's session: the parent passed the session and the
// preload on in its environment.
import OpenAI from 'openai';
import { startFakeLlm } from '@agentops/fake-llm';

const fake = process.env.OPENAI_API_KEY ? undefined : await startFakeLlm();
const client = new OpenAI(fake ? { baseURL: fake.openaiBaseURL, apiKey: 'sk-fake' } : {});
const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarize the plan.' }] });
console.log(`Worker: ${res.choices[0].message.content}`);
await fake?.close();
