// Per-call overhead of instrumenting the real openai client, on an in-memory fetch (no network): no
// instrumentation vs ours vs @opentelemetry/instrumentation-openai vs @traceloop/instrumentation-openai, each in
// its own process with the same tracer provider. Run: node bench/llm-overhead.mjs VARIANT plain|stream
import { createRequire } from 'node:module';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { nsPerOp } from './lib.mjs';

const require = createRequire(import.meta.url);
const [variant = 'none', mode = 'plain'] = process.argv.slice(2);
const CHUNKS = 50;

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

const INSTRUMENTATIONS = {
  none: () => [],
  agentops: () => [new (require('@agentops/instrumentation-openai').OpenAIInstrumentation)()],
  'otel-contrib': () => [new (require('@opentelemetry/instrumentation-openai').OpenAIInstrumentation)()],
  traceloop: () => [new (require('@traceloop/instrumentation-openai').OpenAIInstrumentation)()],
};
registerInstrumentations({ instrumentations: INSTRUMENTATIONS[variant](), tracerProvider: provider });
const OpenAI = require('openai');

// What the real API answers, served from memory.
const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1767225600,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Sunny and 21 degrees in Paris today.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 25, completion_tokens: 10, total_tokens: 35, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
});
const chunk = (i, delta, finish = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1767225600, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
const sse = [chunk(0, { role: 'assistant', content: '' }), ...Array.from({ length: CHUNKS - 2 }, (_, i) => chunk(i, { content: `word${i} ` })), chunk(CHUNKS, {}, 'stop'), 'data: [DONE]\n\n'];
const encoded = sse.map((s) => new TextEncoder().encode(s));

async function inMemoryFetch(_url, init) {
  const body = JSON.parse(init.body);
  if (body.stream) {
    let i = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (i < encoded.length) controller.enqueue(encoded[i++]);
        else controller.close();
      },
    });
    return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }
  return new Response(completion, { status: 200, headers: { 'content-type': 'application/json' } });
}

const client = new OpenAI({ apiKey: 'sk-bench', baseURL: 'http://in-memory.invalid/v1', fetch: inMemoryFetch, maxRetries: 0 });
const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
const call =
  mode === 'stream'
    ? async () => {
        const s = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
        for await (const _ of s) void _;
      }
    : () => client.chat.completions.create({ model: 'gpt-4o-mini', messages });

const ITER = mode === 'stream' ? 2000 : 5000;
const ns = await nsPerOp(call, { iterations: ITER, rounds: 7, warmup: 1000 });
await provider.forceFlush();
const calls = 1000 + 7 * ITER;
console.log(JSON.stringify({ variant, mode, usPerCall: Math.round(ns / 10) / 100, spans: exported, calls, producesSpans: exported >= calls }));
await provider.shutdown();
