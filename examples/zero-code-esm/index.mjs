// An ESM agent that knows nothing of AgentOps: run it with
//   node --import @agentops/otel/register index.mjs
// Without OPENAI_API_KEY / ANTHROPIC_API_KEY it talks to the bundled offline fake model.
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeLlm } from '@agentops/fake-llm';

const fake = process.env.OPENAI_API_KEY && process.env.ANTHROPIC_API_KEY ? undefined : await startFakeLlm();
const openai = new OpenAI(fake ? { baseURL: fake.openaiBaseURL, apiKey: 'sk-fake' } : {});
const anthropic = new Anthropic(fake ? { baseURL: fake.anthropicBaseURL, apiKey: 'sk-ant-fake' } : {});

const plan = await openai.chat.completions.create({
  model: process.env.OPENAI_MODEL || 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Plan a walk in Paris.' }],
});
const stream = anthropic.messages.stream({
  model: process.env.ANTHROPIC_MODEL || 'claude-sonnet-4-20250514',
  max_tokens: 256,
  messages: [{ role: 'user', content: `Improve this plan: ${plan.choices[0].message.content}` }],
});
const final = await stream.finalMessage();
console.log(`Agent: ${final.content[0].text}`);
await fake?.close();
