// Per-call overhead of the provider instrumentations on the real clients, against the fake model server in this
// process (loopback: Gemini JSON, Mistral and Cohere JSON, Bedrock Converse over HTTP/2): no instrumentation vs
// ours vs OpenLLMetry's where it has one, each in its own process with the same tracer provider; 'bare-span' is the
// floor: a span around each call with nothing on it.
// Run: node bench/providers.mjs PROVIDER VARIANT      (PROVIDER: google-genai | mistral | cohere | bedrock)
import { createRequire } from 'node:module';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { context, trace } from '@opentelemetry/api';
import { startFakeLlm } from '@agentops/fake-llm';
import { countedCalls, nsPerOp } from './lib.mjs';

const require = createRequire(import.meta.url);
const [providerName = 'google-genai', variant = 'none'] = process.argv.slice(2);

let exported = 0;
const exporter = {
  export(spans, done) {
    exported += spans.filter((s) => s.kind === 2 /* CLIENT */).length;
    done({ code: 0 });
  },
  async shutdown() {},
};
const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 100_000, maxExportBatchSize: 1000, scheduledDelayMillis: 100 })] });
provider.register();

const VARIANTS = {
  'google-genai': { agentops: () => new (require('@agentops/instrumentation-google-genai').GoogleGenAIInstrumentation)() },
  mistral: { agentops: () => new (require('@agentops/instrumentation-mistral').MistralInstrumentation)() },
  cohere: {
    agentops: () => new (require('@agentops/instrumentation-cohere').CohereInstrumentation)(),
    traceloop: () => new (require('@traceloop/instrumentation-cohere').CohereInstrumentation)(),
  },
  bedrock: {
    agentops: () => new (require('@agentops/instrumentation-bedrock').BedrockInstrumentation)(),
    traceloop: () => new (require('@traceloop/instrumentation-bedrock').BedrockInstrumentation)(),
  },
};
const make = VARIANTS[providerName][variant];
const instrumentation = make?.();
registerInstrumentations({ instrumentations: instrumentation ? [instrumentation] : [], tracerProvider: provider });
// An ES module imported here passes no require hook (an app gets the loader hook from the preload): patched by hand.
const imported = async (name) => {
  const mod = await import(name);
  instrumentation?.patch?.(mod);
  return mod;
};

const fake = await startFakeLlm();
const prompt = 'What is the weather in Paris?';
let call;
if (providerName === 'google-genai') {
  const { GoogleGenAI } = await imported('@google/genai');
  const ai = new GoogleGenAI({ apiKey: 'bench', httpOptions: { baseUrl: fake.geminiBaseURL } });
  call = () => ai.models.generateContent({ model: 'gemini-2.5-flash', contents: prompt });
} else if (providerName === 'mistral') {
  const { Mistral } = await imported('@mistralai/mistralai');
  const client = new Mistral({ apiKey: 'bench', serverURL: fake.url });
  call = () => client.chat.complete({ model: 'mistral-small-latest', messages: [{ role: 'user', content: prompt }] });
} else if (providerName === 'cohere') {
  const { CohereClientV2 } = require('cohere-ai');
  const client = new CohereClientV2({ token: 'bench', environment: fake.url, maxRetries: 0 });
  call = () => client.chat({ model: 'command-a-03-2025', messages: [{ role: 'user', content: prompt }] });
} else {
  const sdk = require('@aws-sdk/client-bedrock-runtime');
  const client = new sdk.BedrockRuntimeClient({ region: 'us-east-1', endpoint: fake.bedrockEndpoint, credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' }, maxAttempts: 1 });
  call = () => client.send(new sdk.ConverseCommand({ modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', messages: [{ role: 'user', content: [{ text: prompt }] }] }));
}

if (variant === 'bare-span') {
  // The floor of any instrumentation that makes one span per call: a CLIENT span made current for the call (which
  // turns on the async context tracking of the whole HTTP stack, client and fake server alike), ended when it
  // settles, with nothing on it.
  const tracer = provider.getTracer('bare-span');
  const inner = call;
  call = () => {
    const span = tracer.startSpan('chat', { kind: 2 /* CLIENT */ });
    const end = () => span.end();
    const p = context.with(trace.setSpan(context.active(), span), inner);
    p.then(end, end);
    return p;
  };
}

await countedCalls(call, async () => {
  await provider.shutdown();
  await fake.close();
});

const ITER = 300;
const WARMUP = 300;
const ns = await nsPerOp(call, { iterations: ITER, rounds: 5, warmup: WARMUP });
await provider.forceFlush();
const calls = WARMUP + 5 * ITER;
console.log(JSON.stringify({ provider: providerName, variant, usPerCall: Math.round(ns / 10) / 100, spans: exported, calls, producesSpans: exported >= calls }));
await provider.shutdown();
await fake.close();
process.exit(0);
