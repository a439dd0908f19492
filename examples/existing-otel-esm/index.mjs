// The app: its openai calls are captured although it imports openai before anything of AgentOps runs in it.
import OpenAI from 'openai';
import * as agentops from '@agentops/otel';
import { startFakeLlm } from '@agentops/fake-llm';
import { appExporter, sdk } from './setup.mjs';

const session = agentops.init({ tags: ['existing-otel-esm'] });
const fake = process.env.OPENAI_API_KEY ? undefined : await startFakeLlm();
const client = new OpenAI(fake ? { baseURL: fake.openaiBaseURL, apiKey: 'sk-fake' } : {});
const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] });
console.log(`Agent: ${res.choices[0].message.content}`);
console.log(`AgentOps session ${session.id}: ${JSON.stringify(session.getAnalytics())}`);
await session.endSession('Success');
await sdk.shutdown();
console.log(`The app's own exporter saw: ${appExporter.names.join(', ')}`);
await fake?.close();
