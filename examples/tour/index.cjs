// The demo of `pnpm start`: a trip-planning run of two agents, recorded by zero-code capture of the openai client
// (run with --require @agentops/otel/register; AGENTOPS_STREAM_USAGE=true gives the streamed call its tokens)
// plus a few lines of the AgentOps API for the agents, the tool calls, an action and an error. Without
// OPENAI_API_KEY it talks to the bundled offline fake model.
const agentops = require('@agentops/otel');
const { trace } = require('@opentelemetry/api');
const OpenAI = require('openai');
const { startFakeLlm } = require('@agentops/fake-llm');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn` as the agent `name`: an OpenTelemetry span of kind agent, so the LLM calls made inside belong to it
 * (any framework integration does the same).
 */
function asAgent(name, id, fn) {
  return trace.getTracer('tour').startActiveSpan(
    `agent ${name}`,
    { attributes: { 'agentops.span.kind': 'agent', 'agentops.agent.id': id, 'agentops.agent.name': name } },
    async (span) => {
      try {
        return await fn();
      } finally {
        span.end();
      }
    },
  );
}

/** A tool call that takes a while, recorded with its real start and end. */
async function weatherTool(session, agentId, city, { fail }) {
  const start = Date.now();
  await sleep(fail ? 60 : 40);
  const call = new agentops.ToolEvent({ agentId, name: 'get_weather', params: { city }, initTimestamp: start, endTimestamp: Date.now() });
  if (fail) {
    session.record(call);
    session.record(new agentops.ErrorEvent({ agentId, triggerEvent: call, errorType: 'TimeoutError', details: 'the weather service did not answer in time; retrying' }));
    return undefined;
  }
  call.returns = JSON.stringify({ city, sky: 'sunny', celsius: 21 });
  session.record(call);
  return call.returns;
}

async function main() {
  const fake = process.env.OPENAI_API_KEY ? undefined : await startFakeLlm();
  const client = new OpenAI(fake ? { baseURL: fake.openaiBaseURL, apiKey: 'sk-fake' } : {});
  const model = process.env.OPENAI_MODEL || 'gpt-4o-mini';
  const session = agentops.getSession() ?? agentops.startSession();
  session.addTags(['tour']);
  const planner = session.createAgent('planner');
  const writer = session.createAgent('writer');
  const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];

  await session.run(async () => {
    await asAgent('planner', planner, async () => {
      const start = Date.now();
      await sleep(20);
      session.record(new agentops.ActionEvent({ agentId: planner, actionType: 'plan trip', params: { city: 'Paris' }, returns: { steps: ['weather', 'answer'] }, initTimestamp: start }));
      const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
      const first = await client.chat.completions.create({ model, messages, tools });
      const call = first.choices[0].message.tool_calls?.[0];
      // The weather service fails once; the retry answers.
      const weather = (await weatherTool(session, planner, 'Paris', { fail: true })) ?? (await weatherTool(session, planner, 'Paris', { fail: false }));
      if (call) messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: weather });
      const handoff = Date.now();
      await sleep(5);
      session.record(new agentops.ActionEvent({ agentId: planner, actionType: 'handoff', params: { from_agent: 'planner', to_agent: 'writer' }, initTimestamp: handoff, endTimestamp: Date.now() }));
    });
    await asAgent('writer', writer, async () => {
      const stream = await client.chat.completions.create({ model, messages, stream: true });
      let answer = '';
      for await (const chunk of stream) answer += chunk.choices[0]?.delta?.content ?? '';
      console.log(`Agent: ${answer}`);
    });
  });
  await session.endSession('Success', 'answered the question');
  await fake?.close();
}

main();
