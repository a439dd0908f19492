// Runs every benchmark, each variant in its own process, and writes BENCHMARKS.md.
// One benchmark alone: node bench/run.mjs record   (names below); `--no-write` only prints.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const run = (script, ...args) =>
  JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', path.join(here, script), ...args], {
      encoding: 'utf8',
      env: { ...process.env, AGENTOPS_LOG_LEVEL: 'error' },
      maxBuffer: 64 * 1024 * 1024,
    })
      .trim()
      .split('\n')
      .pop(),
  );

const ratio = (a, b) => (a / b).toFixed(2);

/** Each benchmark: a name, what it measures, and a function returning its Markdown section. */
const BENCHMARKS = {
  record: {
    title: 'record() per event vs a bare OpenTelemetry span (issue 2)',
    run() {
      const bare = run('record.mjs', 'bare');
      const ours = run('record.mjs', 'ours');
      const r = ours.nsPerEvent / bare.nsPerEvent;
      return {
        pass: r <= 2,
        md: [
          'Each variant in its own process; 7 rounds of 20,000 calls after warm-up, median. "bare" creates and ends an',
          'OpenTelemetry span with the same attributes (params/returns pre-serialized) under a `BatchSpanProcessor`;',
          '"ours" is `session.record(new ActionEvent({...}))`: event object, UUID, safe serialization, span, batching.',
          '',
          '| variant | ns per event | heap growth over 100k events | heap after GC | ratio to bare |',
          '|---|---:|---:|---:|---:|',
          `| bare OTel span | ${bare.nsPerEvent} | ${bare.heapDuringMb} MB | ${bare.heapAfterGcMb} MB | 1.00 |`,
          `| record() | ${ours.nsPerEvent} | ${ours.heapDuringMb} MB | ${ours.heapAfterGcMb} MB | **${ratio(ours.nsPerEvent, bare.nsPerEvent)}** |`,
          '',
          `Target: record() at most 2x the bare span — ${r <= 2 ? 'met' : 'NOT met'} (${r.toFixed(2)}x).`,
        ].join('\n'),
      };
    },
  },
};

const args = process.argv.slice(2);
const write = !args.includes('--no-write');
const only = args.filter((a) => !a.startsWith('--'));
const names = only.length ? only : Object.keys(BENCHMARKS);
for (const n of names) if (!BENCHMARKS[n]) throw new Error(`unknown benchmark "${n}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);

const sections = [];
for (const name of names) {
  const b = BENCHMARKS[name];
  process.stderr.write(`bench: ${name}…\n`);
  const { md, pass } = b.run();
  sections.push(`## ${b.title}\n\n\`node bench/run.mjs ${name}\`\n\n${md}\n`);
  process.stderr.write(`bench: ${name} ${pass ? 'meets' : 'MISSES'} its target\n`);
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const doc = [
  '# Benchmarks',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB RAM,`,
  `Node ${process.version}, ${os.platform()} ${os.release()}. Every figure is a ratio against a baseline measured in the same run;`,
  'absolute numbers vary with the machine. Rerun all with `npx -y pnpm@10 bench`, one with `node bench/run.mjs NAME`',
  '(after `npx -y pnpm@10 build`).',
  '',
  ...sections,
].join('\n');
console.log(doc);
if (write && !only.length) writeFileSync(path.join(here, '..', 'BENCHMARKS.md'), doc);
