// Per-call overhead of tracing an agent framework, with the real framework and openai client on an in-memory
// fetch (no network): no tracing vs AgentOps vs the peers that cover that framework, each in its own process with
// the same tracer provider. One "call" is one framework call that makes one model request.
// Run: node bench/frameworks.mjs FRAMEWORK VARIANT      (FRAMEWORK: langchain | ai-sdk | openai-agents)
import http from 'node:http';
import { createRequire } from 'node:module';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { countedCalls, inMemoryFetch, nsPerOp } from './lib.mjs';

const require = createRequire(import.meta.url);
const [framework = 'langchain', variant = 'none'] = process.argv.slice(2);

let exported = 0;
const exporter = {
  export(spans, done) {
    exported += spans.length;
    done({ code: 0 });
  },
  async shutdown() {},
};
const spanProcessors = [new BatchSpanProcessor(exporter, { maxQueueSize: 100_000, maxExportBatchSize: 1000, scheduledDelayMillis: 100 })];

// AgentOps in the app's provider: its processor (the one that decides "same call"), exporting nowhere.
const agentops = variant === 'agentops';
if (agentops) {
  const { AgentOpsSpanProcessor } = require('@agentops/otel');
  spanProcessors.push(new AgentOpsSpanProcessor({ exporter: { export: (_s, done) => done({ code: 0 }), shutdown: async () => {} }, maxQueueSize: 100_000 }));
}
// Langfuse's processor exports over OTLP: to a sink on loopback that accepts everything.
let sink;
if (variant === 'langfuse') {
  sink = http.createServer((req, res) => req.on('data', () => {}).on('end', () => res.end('{}')));
  await new Promise((r) => sink.listen(0, '127.0.0.1', r));
  const { LangfuseSpanProcessor } = require('@langfuse/otel');
  spanProcessors.push(new LangfuseSpanProcessor({ publicKey: 'pk-bench', secretKey: 'sk-bench', baseUrl: `http://127.0.0.1:${sink.address().port}` }));
}
const provider = new NodeTracerProvider({ spanProcessors });
provider.register();

const PEERS = {
  langchain: {
    agentops: () => [new (require('@agentops/instrumentation-langchain').LangChainInstrumentation)(), new (require('@agentops/instrumentation-openai').OpenAIInstrumentation)()],
    traceloop: () => [new (require('@traceloop/instrumentation-langchain').LangChainInstrumentation)(), new (require('@traceloop/instrumentation-openai').OpenAIInstrumentation)()],
    openinference: () => [new (require('@arizeai/openinference-instrumentation-langchain').LangChainInstrumentation)(), new (require('@arizeai/openinference-instrumentation-openai').OpenAIInstrumentation)()],
  },
  'ai-sdk': {
    agentops: () => [new (require('@agentops/instrumentation-ai-sdk').AISdkInstrumentation)()],
  },
  'openai-agents': {
    agentops: () => [new (require('@agentops/instrumentation-openai-agents').OpenAIAgentsInstrumentation)(), new (require('@agentops/instrumentation-openai').OpenAIInstrumentation)()],
    openinference: () => [new (require('@arizeai/openinference-instrumentation-openai').OpenAIInstrumentation)()],
  },
};
registerInstrumentations({ instrumentations: PEERS[framework][variant]?.() ?? [], tracerProvider: provider });

const prompt = 'What is the weather in Paris?';
let call;
if (framework === 'langchain') {
  const { ChatOpenAI } = require('@langchain/openai');
  if (variant === 'openinference') {
    // OpenInference's LangChain instrumentation patches the callbacks module it is given (as its README says).
    const { LangChainInstrumentation } = require('@arizeai/openinference-instrumentation-langchain');
    new LangChainInstrumentation({ tracerProvider: provider }).manuallyInstrument(require('@langchain/core/callbacks/manager'));
  }
  const llm = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-bench', configuration: { baseURL: 'http://in-memory.invalid/v1', fetch: inMemoryFetch }, maxRetries: 0 });
  call = () => llm.invoke(prompt);
} else if (framework === 'ai-sdk') {
  const { generateText } = require('ai');
  const { createOpenAI } = require('@ai-sdk/openai');
  const model = createOpenAI({ apiKey: 'sk-bench', baseURL: 'http://in-memory.invalid/v1', fetch: inMemoryFetch }).chat('gpt-4o-mini');
  // Every peer traces the AI SDK through its own telemetry, turned on by hand ("telemetry": that alone).
  const byHand = variant === 'telemetry' || variant === 'langfuse' ? { experimental_telemetry: { isEnabled: true } } : {};
  call = () => generateText({ model, prompt, ...byHand });
} else {
  const agents = require('@openai/agents');
  const OpenAI = require('openai');
  // OpenAI's own exporter cannot reach OpenAI here: left out before the peers add their processors.
  agents.setTraceProcessors([]);
  if (variant === 'openinference') {
    const { OpenAIAgentsInstrumentation } = require('@arizeai/openinference-instrumentation-openai-agents');
    new OpenAIAgentsInstrumentation({ tracerProvider: provider }).manuallyInstrument(agents);
  }
  const client = new OpenAI({ apiKey: 'sk-bench', baseURL: 'http://in-memory.invalid/v1', fetch: inMemoryFetch, maxRetries: 0 });
  const agent = new agents.Agent({ name: 'Assistant', instructions: 'Be brief.', model: new agents.OpenAIChatCompletionsModel(client, 'gpt-4o-mini') });
  call = () => agents.run(agent, prompt);
}

await countedCalls(call, async () => {
  await provider.shutdown();
  sink?.close();
});

const ITER = 300;
const WARMUP = 300;
const ns = await nsPerOp(call, { iterations: ITER, rounds: 5, warmup: WARMUP });
await provider.forceFlush();
const calls = WARMUP + 5 * ITER;
console.log(JSON.stringify({ framework, variant, usPerCall: Math.round(ns / 10) / 100, spans: exported, calls, spansPerCall: Math.round((exported / calls) * 10) / 10 }));
await provider.shutdown();
sink?.close();
