// Instructions added per call, counted by callgrind (repeatable to ~0.1 %, where wall time here swings ±50 %): a
// benchmark script runs N1 and N2 calls under `valgrind --tool=callgrind` with single-threaded V8;
// (instructions(N2) − instructions(N1)) / (N2 − N1) is the cost of one call with start-up cancelled out, and the
// figure of a variant minus that of "none" is what the instrumentation adds. Needs valgrind (apt-get install valgrind).
//
//   node bench/instructions.mjs SUITE [SUBJECT] [VARIANT,...]
//   SUITE: llm (the openai client, plain and streamed: llm-overhead.mjs), providers (providers.mjs), frameworks
//   (frameworks.mjs); SUBJECT and VARIANTS narrow it (while working on one of them).
//
// N1 is past the JIT's warm-up where it can be (the per-call figure of a plain openai call still falls by half between
// 1,000 and 5,000 calls), and the old generation is made big enough that no major collection falls between N1 and N2:
// one more or less of them in the window moved a per-call figure by ±30 k. Young-generation collections, which every
// call's garbage pays for, are frequent and counted. The provider and framework calls, each several times dearer,
// are counted at 300 / 600. The providers' window starts after 4,000 calls: after 1,000 the optimizing compiler was
// still at work in it (the bare-span Bedrock call: 3,541 / 3,488 / 3,487 k). Even after 4,000, a variant with spans
// spreads by tens of k between runs of a 300-call window (the same call: 3,261–3,332 k over seven runs), as wide as
// the gap between ours and OpenLLMetry's; so Bedrock, the subject with a peer, counts 300 / 1,500, where two runs
// agreed within 10 k (bare-span 3,278 / 3,280 k).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const NODE_FLAGS = ['--single-threaded', '--initial-old-space-size=2048'];

/** Each suite: its script, the arguments of one subject and variant, and per subject the call counts and variants. */
const SUITES = {
  llm: {
    script: 'llm-overhead.mjs',
    args: (subject, variant) => [variant, subject],
    subjects: {
      plain: { counts: [4000, 9000], warm: 8000, variants: ['none', 'bare-span', 'contract-span', 'otel-contrib', 'traceloop', 'agentops', 'agentops-no-content'] },
      stream: { counts: [1000, 2000], warm: 3000, variants: ['none', 'bare-span', 'otel-contrib', 'traceloop', 'agentops', 'agentops-no-content'] },
    },
  },
  providers: {
    script: 'providers.mjs',
    withoutOptimizingCompiler: true,
    args: (subject, variant) => [subject, variant],
    subjects: {
      // No peer instruments @google/genai or Mistral; OpenLLMetry's cohere instrumentation covers only the V1 client
      // and records none of these V2 calls (bench/providers.mjs counts them): no peer for cohere either.
      'google-genai': { counts: [300, 600], warm: 4000, variants: ['none', 'bare-span', 'agentops'] },
      mistral: { counts: [300, 600], warm: 4000, variants: ['none', 'bare-span', 'agentops'] },
      cohere: { counts: [300, 600], warm: 4000, variants: ['none', 'bare-span', 'agentops'] },
      bedrock: { counts: [300, 1500], warm: 4000, variants: ['none', 'bare-span', 'agentops', 'traceloop'] },
    },
  },
  frameworks: {
    script: 'frameworks.mjs',
    withoutOptimizingCompiler: true,
    args: (subject, variant) => [subject, variant],
    subjects: {
      langchain: { counts: [300, 600], warm: 1000, variants: ['none', 'agentops', 'traceloop', 'openinference'] },
      'ai-sdk': { counts: [300, 600], warm: 1000, variants: ['none', 'agentops', 'telemetry', 'langfuse'] },
      'openai-agents': { counts: [300, 600], warm: 1000, variants: ['none', 'agentops', 'openinference'] },
    },
  },
};

function hasValgrind() {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Instructions of one run of `calls` calls. With `warm`, that many calls run first with callgrind's instrumentation
 * off (several times faster than counted), and counting starts once the script says WARM (lib.mjs countedCalls): the
 * JIT compiles the stream path's functions for thousands of calls, so a window that starts early counts compilation
 * more than calls, and differently for each variant.
 */
async function collected(suite, subject, variant, calls, warm = 0) {
  const profile = suite.withoutOptimizingCompiler ? path.join(mkdtempSync(path.join(tmpdir(), 'agentops-cg-')), 'callgrind.out') : '/dev/null';
  const args = ['--tool=callgrind', `--callgrind-out-file=${profile}`, ...(warm ? ['--instr-atstart=no'] : [])];
  const child = execFile('valgrind', [...args, process.execPath, ...NODE_FLAGS, path.join(here, suite.script), ...suite.args(subject, variant)], {
    env: { ...process.env, AGENTOPS_BENCH_CALLS: String(warm + calls), ...(warm ? { AGENTOPS_BENCH_WARM: String(warm) } : {}), AGENTOPS_LOG_LEVEL: 'error' },
    maxBuffer: 64 * 1024 * 1024,
  });
  let stderr = '';
  let counting = !warm;
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => {
    // The script waits 3 s after WARM: time enough for callgrind to take the command before the counted calls.
    if (!counting && String(d).includes('WARM')) {
      counting = true;
      execFileSync('callgrind_control', ['--instr=on', String(child.pid)], { stdio: 'ignore' });
    }
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  const m = /Collected\s*:\s*(\d+)/.exec(stderr);
  if (code !== 0 || !m || !counting) throw new Error(`no instruction count for ${subject} ${variant} (exit ${code}): ${stderr.slice(-500)}`);
  if (profile === '/dev/null') return Number(m[1]);
  try {
    return Number(m[1]) - optimizingCompilerInstructions(profile);
  } finally {
    rmSync(path.dirname(profile), { recursive: true, force: true });
  }
}

/**
 * Instructions spent in V8's optimizing compiler (TurboFan), inclusive, from a callgrind profile. In the provider and
 * framework calls it keeps compiling for thousands of calls — the same functions, in the same time, whichever
 * instrumentation is on (checked with --trace-opt) — and where a counted window happens to catch more of it moved
 * a per-call figure by hundreds of thousands of instructions: that work is left out of their counts.
 */
function optimizingCompilerInstructions(profile) {
  const text = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', profile], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const line = text.split('\n').find((l) => l.includes('v8::internal::Compiler::CompileOptimized('));
  return line ? Number(/^\s*([\d,]+)/.exec(line)[1].replace(/,/g, '')) : 0;
}

const [suiteName = 'llm', onlySubject, onlyVariants] = process.argv.slice(2);
const suite = SUITES[suiteName];
if (!suite) throw new Error(`unknown suite "${suiteName}"; known: ${Object.keys(SUITES).join(', ')}`);
if (!hasValgrind()) {
  console.log(JSON.stringify({ skipped: 'valgrind is not installed (apt-get install valgrind)' }));
  process.exit(0);
}
const out = {};
for (const [subject, { counts, warm, variants }] of Object.entries(suite.subjects)) {
  if (onlySubject && subject !== onlySubject) continue;
  const [n1, n2] = counts;
  out[subject] = {};
  const chosen = onlyVariants ? onlyVariants.split(',') : variants;
  // The machine has two cores and callgrind runs one thread: the two counts of one variant at once.
  for (const v of chosen) {
    const [a, b] = await Promise.all([collected(suite, subject, v, n1, warm), collected(suite, subject, v, n2, warm)]);
    out[subject][v] = Math.round((b - a) / (n2 - n1));
  }
}
console.log(JSON.stringify(out));
