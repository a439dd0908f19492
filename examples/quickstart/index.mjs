// A small agent program using the AgentOps session API: one session, a few actions, a tool, an LLM call
// recorded by hand, an error, and the session's analytics at the end.
import * as agentops from '@agentops/otel';

const session = agentops.init({ tags: ['quickstart'] });

const search = agentops.recordTool('web_search', async (query) => {
  await new Promise((r) => setTimeout(r, 20));
  return [`${query}: result 1`, `${query}: result 2`];
});

const plan = agentops.recordAction('plan', (goal) => ({ steps: [`research ${goal}`, 'summarize'] }));

async function main() {
  const steps = plan('the weather in Paris');
  const hits = await search('weather Paris');
  session.record(
    new agentops.LLMEvent({
      model: 'gpt-4o-mini',
      provider: 'openai',
      prompt: [{ role: 'user', content: `Summarize: ${hits.join('; ')}` }],
      completion: { role: 'assistant', content: 'Sunny, 21°C.' },
      promptTokens: 1200,
      completionTokens: 150,
    }),
  );
  session.record(new agentops.ActionEvent({ actionType: 'answer', params: steps, returns: 'Sunny, 21°C.' }));
  try {
    JSON.parse('{not json');
  } catch (error) {
    session.record(new agentops.ErrorEvent({ exception: error }));
  }
  const cost = await session.endSession('Success', 'answered the question');
  console.log(`Session ${session.id} ended; cost $${cost}`);
  console.log(JSON.stringify(session.getAnalytics(), null, 2));
}

main();
