// A small agent that knows nothing of AgentOps: run it with
//   node --require @agentops/otel/register index.cjs
// Without OPENAI_API_KEY it talks to the bundled offline fake model.
const OpenAI = require('openai');
const { startFakeLlm } = require('@agentops/fake-llm');

async function main() {
  const fake = process.env.OPENAI_API_KEY ? undefined : await startFakeLlm();
  const client = new OpenAI(fake ? { baseURL: fake.openaiBaseURL, apiKey: 'sk-fake' } : {});
  const model = process.env.OPENAI_MODEL || 'gpt-4o-mini';
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

  const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const first = await client.chat.completions.create({ model, messages, tools });
  const call = first.choices[0].message.tool_calls?.[0];
  if (call) {
    messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: JSON.stringify({ sky: 'sunny', celsius: 21 }) });
  }
  const stream = await client.chat.completions.create({ model, messages, stream: true });
  let answer = '';
  for await (const chunk of stream) answer += chunk.choices[0]?.delta?.content ?? '';
  console.log(`Agent: ${answer}`);
  await fake?.close();
}

main();
