// An app that knows nothing of AgentOps (ES module).
import OpenAI from 'openai';

const res = await new OpenAI().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
console.log(`answer: ${res.choices[0].message.content}`);
