// The same LangChain.js / LangGraph.js runs for @langchain/core 0.3 and 1.x, against the fake model server at
// FAKE_URL (through @langchain/openai → openai and @langchain/anthropic → @anthropic-ai/sdk). SCENARIO lists
// the runs; what LangChain returned is printed as `RESULT <json>`.

/** @param {{ ChatOpenAI: any, ChatAnthropic: any, tool: any, ChatPromptTemplate: any, StringOutputParser: any, createReactAgent: any, StateGraph: any, MessagesAnnotation: any, z: any, AgentOpsCallbackHandler: any, BaseRetriever: any, Document: any }} m */
export async function run(m) {
  const fake = process.env.FAKE_URL;
  const openai = (model = 'gpt-4o-mini') => new m.ChatOpenAI({ model, apiKey: 'sk-fake', configuration: { baseURL: `${fake}/v1` }, maxRetries: 0 });
  const anthropic = new m.ChatAnthropic({ model: 'claude-3-5-haiku-20241022', apiKey: 'fake', anthropicApiUrl: fake, clientOptions: { baseURL: fake }, maxRetries: 0 });
  const getWeather = m.tool(async ({ city }) => JSON.stringify({ city, celsius: 21 }), {
    name: 'get_weather',
    description: 'The weather in a city',
    schema: m.z.object({ city: m.z.string() }),
  });
  const results = {};
  for (const name of (process.env.SCENARIO ?? 'plain').split(',')) {
    if (name === 'plain') {
      const r = await openai().invoke('Weather in Paris?', { runName: 'forecaster', tags: ['weather'] });
      results.plain = { usage: r.usage_metadata };
    }
    if (name === 'explicit') {
      // The handler passed by hand, as without the preload: the run gets it once.
      const r = await openai().invoke('Weather in Paris? (explicit)', { callbacks: [new m.AgentOpsCallbackHandler()] });
      results.explicit = { usage: r.usage_metadata };
    }
    if (name === 'stream') {
      let text = '';
      for await (const chunk of await openai().stream('Weather in Paris?')) text += chunk.content;
      results.stream = { text };
    }
    if (name === 'chain') {
      const chain = m.ChatPromptTemplate.fromMessages([['system', 'You are terse.'], ['human', '{question}']]).pipe(openai()).pipe(new m.StringOutputParser());
      results.chain = { text: await chain.invoke({ question: 'Weather in Paris?' }) };
    }
    if (name === 'anthropic-cached') {
      const r = await anthropic.invoke('Weather in Paris? [cached]');
      results.anthropicCached = { usage: r.usage_metadata };
    }
    if (name === 'agent') {
      // A ReAct agent (a LangGraph graph): model → tool → model.
      const agent = m.createReactAgent({ llm: openai(), tools: [getWeather] });
      const r = await agent.invoke({ messages: [{ role: 'user', content: 'Weather in Paris?' }] });
      results.agent = { messages: r.messages.length };
    }
    if (name === 'graph') {
      // Two nodes, each its own model call: a researcher hands over to a writer.
      const researcher = async (state) => ({ messages: [await openai().invoke(state.messages)] });
      const writer = async (state) => ({ messages: [await anthropic.invoke([...state.messages, { role: 'user', content: 'Write it up.' }])] });
      const graph = new m.StateGraph(m.MessagesAnnotation).addNode('researcher', researcher).addNode('writer', writer).addEdge('__start__', 'researcher').addEdge('researcher', 'writer').addEdge('writer', '__end__').compile();
      const r = await graph.invoke({ messages: [{ role: 'user', content: 'Weather in Paris?' }] });
      results.graph = { messages: r.messages.length };
    }
    if (name === 'retriever') {
      // A retriever over a tiny corpus, as a step of a chain.
      const Corpus = class extends m.BaseRetriever {
        lc_namespace = ['agentops', 'test'];
        async _getRelevantDocuments(query) {
          return [new m.Document({ pageContent: `Paris: sunny, 21 degrees (for "${query}")` })];
        }
      };
      const docs = await new Corpus().invoke('weather in Paris');
      results.retriever = { docs: docs.length };
    }
    if (name === 'tool-error') {
      const broken = m.tool(async () => { throw new Error('weather station offline'); }, { name: 'broken_weather', description: 'Fails', schema: m.z.object({ city: m.z.string() }) });
      try {
        await broken.invoke({ city: 'Paris' });
      } catch (e) {
        results.toolError = { message: e.message };
      }
    }
  }
  console.log(`RESULT ${JSON.stringify(results)}`);
}
