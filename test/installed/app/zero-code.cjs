// An app that knows nothing of AgentOps (CommonJS). OPENAI_BASE_URL points the client at the test's fake.
const OpenAI = require('openai');

(async () => {
  const res = await new OpenAI().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
  console.log(`answer: ${res.choices[0].message.content}`);
})();
