// Both builds of `ai` in one process (import and require): each is patched once, each call is one model call.
import { createRequire } from 'node:module';
import * as esm from 'ai';
import { createOpenAI } from '@ai-sdk/openai';

const cjs = createRequire(import.meta.url)('ai');
const openai = createOpenAI({ baseURL: `${process.env.FAKE_URL}/v1`, apiKey: 'sk-fake' });
await esm.generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'from ESM' });
await cjs.generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'from CommonJS' });
console.log(`RESULT ${JSON.stringify({ twoBuilds: esm.generateText !== cjs.generateText })}`);
