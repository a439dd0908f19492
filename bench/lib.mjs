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

export function gc() {
  if (globalThis.gc) {
    globalThis.gc();
    globalThis.gc();
  }
}

export const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;
