// Instructions added per LLM call, counted by callgrind (repeatable to ~0.1 %, where wall time here swings ±50 %):
// each variant of llm-overhead.mjs runs N1 and N2 calls under `valgrind --tool=callgrind` with single-threaded V8;
// (instructions(N2) − instructions(N1)) / (N2 − N1) is the cost of one call with start-up cancelled out, and the
// figure of a variant minus that of "none" is what the instrumentation adds. Needs valgrind (apt-get install valgrind).
//
// N1 is past the JIT's warm-up (the per-call figure still falls by half between 1,000 and 5,000 plain calls), and the
// old generation is made big enough that no major collection falls between N1 and N2: one more or less of them in
// the window moved a per-call figure by ±30 k. Young-generation collections, which every call's garbage pays for,
// are frequent and counted.
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
// `node bench/instructions.mjs [plain|stream] [variant,...]` measures only those (while working on one of them).
const [onlyMode, onlyVariants] = process.argv.slice(2);
const VARIANTS = onlyVariants ? onlyVariants.split(',') : ['none', 'bare-span', 'otel-contrib', 'traceloop', 'agentops', 'agentops-no-content'];
const COUNTS = Object.fromEntries(Object.entries({ plain: [8000, 17000], stream: [1000, 2000] }).filter(([m]) => !onlyMode || m === onlyMode));
const NODE_FLAGS = ['--single-threaded', '--initial-old-space-size=2048'];

function hasValgrind() {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function collected(variant, mode, calls) {
  const { stderr } = await promisify(execFile)(
    'valgrind',
    ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, ...NODE_FLAGS, path.join(here, 'llm-overhead.mjs'), variant, mode],
    { env: { ...process.env, AGENTOPS_BENCH_CALLS: String(calls), AGENTOPS_LOG_LEVEL: 'error' }, maxBuffer: 64 * 1024 * 1024 },
  );
  const m = /Collected\s*:\s*(\d+)/.exec(stderr);
  if (!m) throw new Error(`no instruction count for ${variant} ${mode}: ${stderr.slice(-500)}`);
  return Number(m[1]);
}

if (!hasValgrind()) {
  console.log(JSON.stringify({ skipped: 'valgrind is not installed (apt-get install valgrind)' }));
  process.exit(0);
}
const out = {};
for (const mode of Object.keys(COUNTS)) {
  const [n1, n2] = COUNTS[mode];
  out[mode] = {};
  // Two at a time: the machine has two cores, and callgrind runs one thread.
  for (let i = 0; i < VARIANTS.length; i += 2) {
    await Promise.all(
      VARIANTS.slice(i, i + 2).map(async (v) => {
        const [a, b] = await Promise.all([collected(v, mode, n1), collected(v, mode, n2)]);
        out[mode][v] = Math.round((b - a) / (n2 - n1));
      }),
    );
  }
}
console.log(JSON.stringify(out));
