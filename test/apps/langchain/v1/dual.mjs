// Both builds of @langchain/core and @langchain/openai in one process: each is patched once.
import { createRequire } from 'node:module';
import { ChatOpenAI as EsmChat } from '@langchain/openai';

const { ChatOpenAI: CjsChat } = createRequire(import.meta.url)('@langchain/openai');
const options = { model: 'gpt-4o-mini', apiKey: 'sk-fake', configuration: { baseURL: `${process.env.FAKE_URL}/v1` }, maxRetries: 0 };
await new EsmChat(options).invoke('from ESM', { runName: 'esm' });
await new CjsChat(options).invoke('from CommonJS', { runName: 'cjs' });
console.log(`RESULT ${JSON.stringify({ twoBuilds: EsmChat !== CjsChat })}`);
