// Start-up cost of the preloads: a program alone, with `--require @agentops/otel/register`, and with
// `--require @opentelemetry/auto-instrumentations-node/register`, exporters off. Two programs: an empty one
// (`-e ''`), where our preload has nothing to do and loads almost nothing, and one that loads an LLM client
// (`require('openai')`), where it starts in full. Runs are interleaved. The same runs are then counted in
// instructions under callgrind (V8 single-threaded), which does not swing with the machine.
import { execFileSync, spawnSync } from 'node:child_process';

const RUNS = Number(process.argv[2] ?? 20);
const env = { ...process.env, AGENTOPS_API_KEY: '', AGENTOPS_LOG_LEVEL: 'error', OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', NODE_OPTIONS: '' };
const variants = {
  node: [],
  agentops: ['--require', '@agentops/otel/register'],
  'auto-instrumentations': ['--require', '@opentelemetry/auto-instrumentations-node/register'],
};
const programs = { empty: '', openai: "require('openai')" };

const median = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
const round = (n) => Math.round(n * 10) / 10;

function instructions(args, program) {
  const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', ...args, '-e', program], {
    env,
    cwd: import.meta.dirname,
    encoding: 'utf8',
  });
  const found = /Collected\s*:\s*(\d+)/.exec(r.stderr ?? '');
  if (!found) throw new Error(`no instruction count: ${r.stderr?.slice(-500)}`);
  return Number(found[1]);
}
let haveValgrind = true;
try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch (e) {
  if (e?.code !== 'ENOENT') throw e;
  haveValgrind = false;
}

const result = { runs: RUNS, programs: {} };
for (const [programName, program] of Object.entries(programs)) {
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < RUNS + 2; i++) {
    for (const [name, args] of Object.entries(variants)) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [...args, '-e', program], { env, cwd: import.meta.dirname });
      if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
      if (i >= 2) times[name].push(performance.now() - t0);
    }
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, round(median(v))]));
  const counted = haveValgrind ? Object.fromEntries(Object.entries(variants).map(([k, args]) => [k, instructions(args, program)])) : undefined;
  result.programs[programName] = {
    program: `node -e "${program}"`,
    medianMs: m,
    addedMs: { agentops: round(m.agentops - m.node), autoInstrumentations: round(m['auto-instrumentations'] - m.node) },
    ...(counted && {
      instructions: counted,
      addedInstructions: { agentops: counted.agentops - counted.node, autoInstrumentations: counted['auto-instrumentations'] - counted.node },
    }),
  };
}
console.log(JSON.stringify(result));
