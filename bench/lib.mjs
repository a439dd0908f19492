// Shared helpers of the benchmarks: timing loops and memory readings.
import { performance } from 'node:perf_hooks';

/** Median of `rounds` timings of `iterations` calls of `fn`, in ns per call. */
export async function nsPerOp(fn, { iterations = 20_000, rounds = 7, warmup = 5_000 } = {}) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) await fn(i);
    samples.push(((performance.now() - t0) * 1e6) / iterations);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/** Synchronous variant, so no await overhead is measured. */
export function nsPerOpSync(fn, { iterations = 20_000, rounds = 7, warmup = 5_000 } = {}) {
  for (let i = 0; i < warmup; i++) fn(i);
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) fn(i);
    samples.push(((performance.now() - t0) * 1e6) / iterations);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/**
 * Counting instructions (bench/instructions.mjs): with AGENTOPS_BENCH_CALLS=N the benchmark makes exactly N calls,
 * times nothing, runs `finish` and exits. AGENTOPS_BENCH_WARM=K: after K calls, says so on stdout and pauses 3 s, so
 * a profiler can start collecting there. Returns (and does nothing) without the variable.
 */
export async function countedCalls(call, finish) {
  const n = Number(process.env.AGENTOPS_BENCH_CALLS);
  if (!(n > 0)) return;
  const warm = Number(process.env.AGENTOPS_BENCH_WARM);
  for (let i = 0; i < n; i++) {
    if (i === warm) {
      console.log('WARM');
      await new Promise((r) => setTimeout(r, 3000));
    }
    await call();
  }
  await finish();
  process.exit(0);
}

export function gc() {
  if (globalThis.gc) {
    globalThis.gc();
    globalThis.gc();
  }
}

export const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;

// An in-memory `fetch` for the openai client: what the real API answers (JSON, or SSE with 50 chunks), no network.
const CHUNKS = 50;
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

export async function inMemoryFetch(_url, init) {
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

