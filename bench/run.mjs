// Runs every benchmark, each variant in its own process, and writes BENCHMARKS.md.
// One benchmark alone: node bench/run.mjs record   (names below); `--no-write` only prints; `--update` puts its
// section into BENCHMARKS.md in place of the old one.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Instructions in thousands, and with their sign. */
const k = (n) => `${Math.round(n / 1000).toLocaleString('en-US')} k`;
const signed = (n) => (n < 0 ? `−${k(-n)}` : `+${k(n)}`);

/** A table of instructions per call for one suite of `bench/instructions.mjs`: ours and each peer against "none". */
/**
 * Variants that are a subject's floor, not a peer: what every instrumentation of it pays at the least. The AI SDK is
 * traced through its own telemetry by every peer (ours turns it on too), as every LLM instrumentation makes a span.
 */
const FLOORS = { 'ai-sdk': 'telemetry', 'google-genai': 'bare-span', mistral: 'bare-span', cohere: 'bare-span', bedrock: 'bare-span' };

function instructionsTable(suite, what) {
  const r = run('instructions.mjs', suite);
  if (r.skipped) return { pass: false, md: `Not measured: ${r.skipped}.` };
  const rows = [];
  const verdicts = [];
  let pass = true;
  for (const [subject, x] of Object.entries(r)) {
    const added = (v) => x[v] - x.none;
    const floor = FLOORS[subject] in x ? FLOORS[subject] : undefined;
    const above = (v) => (floor && v !== 'none' && v !== floor ? ` (${signed(added(v) - added(floor))} above its floor, ${floor})` : '');
    const peers = Object.keys(x).filter((v) => v !== 'none' && v !== 'agentops' && v !== floor);
    for (const v of Object.keys(x)) rows.push(`| ${subject} | ${v}${v === floor ? ' (floor)' : ''} | ${k(x[v])} | ${v === 'none' ? '' : signed(added(v))} |`);
    if (peers.length === 0) {
      verdicts.push(`${subject}: ours ${signed(added('agentops'))}${above('agentops')}; no peer instruments it`);
      continue;
    }
    const bestPeer = peers.reduce((a, b) => (added(b) < added(a) ? b : a));
    const best = added(bestPeer);
    const fewer = added('agentops') < best;
    pass &&= fewer;
    verdicts.push(
      `${subject}: ours ${signed(added('agentops'))}${above('agentops')} vs best peer ${signed(best)}${above(bestPeer)} — fewer than every peer: ${fewer ? 'met' : 'NOT met'}` +
        (floor ? `; above the floor, ours is ${((added('agentops') - added(floor)) / (best - added(floor))).toFixed(2)}× the best peer's` : ''),
    );
  }
  return {
    pass,
    md: [
      `${what}. Under \`valgrind --tool=callgrind\`, V8 single-threaded, the difference between the two counts divided by`,
      'the extra calls is one call\'s instructions. The same `NodeTracerProvider` + `BatchSpanProcessor` for all, each package\'s',
      'defaults. V8\'s optimizing compiler keeps compiling the same functions for thousands of these calls, whichever',
      'instrumentation is on (`--trace-opt`), and a window that caught more of it moved a figure by hundreds of thousands:',
      'its instructions (`Compiler::CompileOptimized`, inclusive) are left out. These calls are several times dearer',
      'than a bare openai call: compare within a subject.',
      '',
      '| subject | variant | instructions per call | added over none |',
      '|---|---|---:|---:|',
      ...rows,
      '',
      ...verdicts.map((v) => `- ${v}`),
    ].join('\n'),
  };
}

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
  export: {
    title: 'Export throughput: record() to acknowledged by the server, ours vs the OTLP exporter (issues 3, 17)',
    run() {
      const ROUNDS = 3;
      const VARIANTS = ['agentops', 'otlp-proto'];
      const runs = Object.fromEntries(VARIANTS.map((v) => [v, []]));
      // Interleaved rounds: each variant sees the machine's slow spells alike.
      for (let i = 0; i < ROUNDS; i++) for (const v of VARIANTS) runs[v].push(run('export-throughput.mjs', '50000', v));
      const med = (v, f) => median(runs[v].map(f));
      const perSecond = (v) => med(v, (r) => r.eventsPerSecond);
      const row = (v, label) => {
        const p = (k) => med(v, (r) => r.serverPhasesMs[k]);
        return `| ${label} | ${med(v, (r) => r.recordMs)} ms | ${med(v, (r) => r.totalMs)} ms | **${perSecond(v)}** | ${med(v, (r) => r.appExportCpuMs)} ms | ${med(v, (r) => r.serverCpuMs)} ms | ${p('auth_ms')} / ${p('receive_ms')} / ${p('decode_ms')} / ${p('validate_ms')} / ${p('store_ms')} / ${p('other_ms')} | ${med(v, (r) => r.dropped)} |`;
      };
      const q = perSecond('agentops') / perSecond('otlp-proto');
      return {
        pass: q >= 1 && VARIANTS.every((v) => runs[v].every((r) => r.dropped === 0)),
        md: [
          'One session records 50,000 action events; the clock stops when every event is acknowledged by the server (our',
          '`@agentops/server` CLI in another process, SQLite, on loopback): for "agentops" when `endSession()` resolves (our',
          'exporter, REST `create_events`), for "otlp-proto" when the app\'s `BatchSpanProcessor` with',
          "OpenTelemetry's `@opentelemetry/exporter-trace-otlp-proto` has flushed the same spans to the server's `/v1/traces`",
          '(same batch size, 512, and delay, 200 ms; AgentOps makes its spans in the app\'s provider and sends nothing itself).',
          "The server's stats are checked to hold all 50,000. Median of 3 interleaved rounds.",
          '',
          'Where the time goes: "app export CPU" is the app\'s CPU time after its `record()` loop (conversion to the wire',
          'format, serialisation, the HTTP client); "server CPU" the server process\'s; the phases are the server\'s ingest',
          'requests\' wall time, summed (`GET /v2/server/metrics` → `ingest_time`): auth (token or key), receive (body read,',
          'and parsed for REST), decode (OTLP: protobuf decoded and converted in the decoder process; batches sent at once',
          'queue there, so this sum counts their waiting too), validate (schema and bounds), store (SQLite transaction), other.',
          '',
          '| exporter | record() loop | until acknowledged | events per second | app export CPU | server CPU | server ms: auth / receive / decode / validate / store / other | dropped |',
          '|---|---:|---:|---:|---:|---:|---|---:|',
          row('agentops', 'agentops (REST)'),
          row('otlp-proto', 'OTLP/proto exporter'),
          '',
          `Target: ours at least as fast as the OTLP exporter to the same server — ${q >= 1 ? 'met' : 'NOT met'} (${q.toFixed(2)}×).`,
        ].join('\n'),
      };
    },
  },
  ingest: {
    title: 'Server ingest rate vs raw inserts, on SQLite and on PostgreSQL with 1 and 3 replicas (issues 3, 15)',
    run() {
      const r = run('ingest.mjs', '100000');
      const q = r.sqlite.perSecond / r.sqliteRawPerSecond;
      const q1 = r.postgres1.perSecond / r.postgresRawPerSecond;
      const q3 = r.postgres3.perSecond / r.postgresRawPerSecond;
      const pass = q >= 1 / 3 && q1 >= 1 / 3 && q3 >= 1 / 3;
      return {
        pass,
        md: [
          `100,000 events in batches of ${r.batch}, into ${r.sessions} sessions. "raw": the same rows into the same table with the`,
          'same driver, one transaction per batch, from the benchmark process (better-sqlite3 prepared INSERTs, one writer;',
          `pg multi-row INSERT … SELECT FROM unnest, ${r.concurrency} connections). "server": \`POST /v2/create_events\` over loopback`,
          `HTTP (${r.concurrency} concurrent requests, round robin over the replicas) to server processes: JSON parsing, validation,`,
          'pricing, JWT check, session totals and daily usage kept in the same transaction. PostgreSQL runs with fsync on,',
          'in a throwaway cluster on this machine.',
          '',
          '| store | path | events per second | ratio to raw | p50 / p99 per batch |',
          '|---|---|---:|---:|---:|',
          `| SQLite | raw better-sqlite3 | ${r.sqliteRawPerSecond} | 1.00 | |`,
          `| SQLite | 1 server | ${r.sqlite.perSecond} | **${ratio(r.sqlite.perSecond, r.sqliteRawPerSecond)}** | ${r.sqlite.p50} / ${r.sqlite.p99} ms |`,
          `| PostgreSQL | raw pg | ${r.postgresRawPerSecond} | 1.00 | |`,
          `| PostgreSQL | 1 replica | ${r.postgres1.perSecond} | **${ratio(r.postgres1.perSecond, r.postgresRawPerSecond)}** | ${r.postgres1.p50} / ${r.postgres1.p99} ms |`,
          `| PostgreSQL | 3 replicas | ${r.postgres3.perSecond} | **${ratio(r.postgres3.perSecond, r.postgresRawPerSecond)}** | ${r.postgres3.p50} / ${r.postgres3.p99} ms |`,
          '',
          `Target: each at least 1/3 of its raw rate — ${pass ? 'met' : 'NOT met'} (${q.toFixed(2)}, ${q1.toFixed(2)}, ${q3.toFixed(2)}).`,
          'On this 2-core machine the replicas, PostgreSQL and the client share the cores, so three replicas cannot go',
          'faster than one here; they add availability (see `test/replicas.test.ts`), and throughput where there are cores.',
        ].join('\n'),
      };
    },
  },
  scale: {
    title: 'Read cost as the store grows: 10k, 100k and 1M events (issue 15)',
    run() {
      const r = run('scale.mjs');
      const lines = [];
      let flat = true;
      let memoryFlat = true;
      for (const kind of ['sqlite', 'postgres']) {
        const v = r[kind];
        const first = v.rows[0];
        const last = v.rows[v.rows.length - 1];
        for (const k of ['stats', 'list', 'overview']) if (last[k] > 2 * first[k]) flat = false;
        if (v.big.exportAddedRssMb > 32) memoryFlat = false;
        for (const row of v.rows) {
          lines.push(`| ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${row.events.toLocaleString('en')} | ${row.stats} | ${row.list} | ${row.overview} | ${row.export} | +${row.exportAddedRssMb} MB |`);
        }
        lines.push(
          `| ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | + one session of ${v.big.events.toLocaleString('en')} | ${v.big.stats} | | | ${v.big.exportMs} (${v.big.exportMb} MB) | +${v.big.exportAddedRssMb} MB |`,
        );
      }
      const growth = (kind, k) => ratio(r[kind].rows.at(-1)[k], r[kind].rows[0][k]);
      return {
        pass: flat && memoryFlat,
        md: [
          `A server process; the benchmark writes sessions of ${r.perSession} events (a quarter LLM calls, three models, 30 days) through`,
          'the store, then measures over HTTP: median ms of 30 calls of `/stats` (20 different sessions), the first page of',
          '`/v2/sessions` (50 rows), `/v2/overview` (30 days), and of 10 `/export`s of a 100-event session; and the server\'s RSS',
          'peak above its level before an export while it streams. Then one session of 100,000 events is added.',
          '',
          '| store | events stored | stats | first page | overview | export | export memory |',
          '|---|---:|---:|---:|---:|---:|---:|',
          ...lines,
          '',
          `Growth from ${r.sizes[0].toLocaleString('en')} to ${r.sizes.at(-1).toLocaleString('en')} events: SQLite stats ${growth('sqlite', 'stats')}×, list ${growth('sqlite', 'list')}×, overview ${growth('sqlite', 'overview')}×;`,
          `PostgreSQL stats ${growth('postgres', 'stats')}×, list ${growth('postgres', 'list')}×, overview ${growth('postgres', 'overview')}×.`,
          `Target: list, stats and overview within 2× from the smallest to the largest store, export memory flat (at most`,
          `+32 MB for the 100,000-event session) — ${flat && memoryFlat ? 'met' : 'NOT met'}.`,
        ].join('\n'),
      };
    },
  },
  'server-down': {
    title: 'Memory with the server down while 200k events are recorded (issue 3)',
    run() {
      const r = run('server-down-memory.mjs', '200000');
      const pass = r.addedPeakMb <= 64 && r.dropped === r.offered;
      return {
        pass,
        md: [
          'The endpoint is a loopback port nobody listens on; 200,000 action events are recorded, then `endSession()`.',
          'RSS is sampled every 10,000 events.',
          '',
          '| RSS before | peak | added at peak | after | events + session offered | counted as dropped | drop warnings |',
          '|---:|---:|---:|---:|---:|---:|---:|',
          `| ${r.rssBeforeMb} MB | ${r.rssPeakMb} MB | **+${r.addedPeakMb} MB** | ${r.rssAfterMb} MB | ${r.offered} | ${r.dropped} | ${r.warnings} |`,
          '',
          `Target: at most +64 MB RSS, every drop counted — ${pass ? 'met' : 'NOT met'}.`,
        ].join('\n'),
      };
    },
  },
  'llm-overhead': {
    title: 'Per-call overhead on the real openai client: ours vs the peers (issue 4)',
    run() {
      const peers = ['otel-contrib', 'traceloop'];
      const variants = ['none', 'agentops', ...peers, 'bare-span'];
      // Process-to-process noise on these machines (slow spells of seconds to minutes) is larger than the
      // differences measured: ROUNDS rounds, each running every variant once, back to back; a variant's added µs is
      // its figure minus that same round's no-instrumentation figure, and the median over the rounds is kept.
      const ROUNDS = Number(process.env.BENCH_ROUNDS) || 11;
      const rows = [];
      const added = {};
      let allSpans = true;
      for (const mode of ['plain', 'stream']) {
        const runs = Object.fromEntries(variants.map((v) => [v, []]));
        for (let i = 0; i < ROUNDS; i++) for (const v of variants) runs[v].push(run('llm-overhead.mjs', v, mode));
        for (const v of variants) {
          if (v !== 'none' && !runs[v].every((x) => x.producesSpans)) allSpans = false;
          const us = median(runs[v].map((x) => x.usPerCall));
          const plus = v === 'none' ? 0 : median(runs[v].map((x, i) => x.usPerCall - runs.none[i].usPerCall));
          added[`${v}:${mode}`] = plus;
          const name = v === 'bare-span' ? 'bare span (floor)' : v;
          const spans = runs[v].reduce((n, x) => n + x.spans, 0);
          const calls = runs[v].reduce((n, x) => n + x.calls, 0);
          rows.push(`| ${mode} | ${name} | ${us.toFixed(2)} | ${v === 'none' ? '' : `+${plus.toFixed(1)}`} | ${v === 'none' ? '' : `${spans} / ${calls}`} |`);
        }
      }
      const verdict = ['plain', 'stream'].map((mode) => {
        const best = Math.min(...peers.map((p) => added[`${p}:${mode}`]));
        const ours = added[`agentops:${mode}`];
        return { mode, ours, best, floor: added[`bare-span:${mode}`], ok: ours <= best / 2 };
      });
      return {
        pass: allSpans && verdict.every((v) => v.ok),
        md: [
          `openai 6 with an in-memory \`fetch\` (no network; JSON, or SSE with 50 chunks). ${ROUNDS} rounds, each running every`,
          'variant in its own process back to back; "added µs" is the median over the rounds of a variant minus that',
          "round's no-instrumentation run (µs per call: median of the variant's runs). The same `NodeTracerProvider` +",
          '`BatchSpanProcessor` for all; each variant\'s exported CLIENT',
          'spans are counted to show it instrumented every call. Defaults of each package (ours records content and cost; the',
          'contrib package records no content by default). "bare span (floor)" wraps `create` to start one CLIENT span and',
          'end it when the call\'s promise settles, with no attributes: what making one span per call costs by itself',
          "through this provider (the span, and the provider's exporter turning on Node's async context tracking).",
          '',
          '| call | variant | µs per call | added µs | spans / calls |',
          '|---|---|---:|---:|---:|',
          ...rows,
          '',
          ...verdict.map(
            (v) =>
              `Target (${v.mode}): our added µs at most half the best peer's — ${v.ok ? 'met' : 'NOT met'}: +${v.ours.toFixed(1)} µs vs best peer +${v.best.toFixed(1)} µs (bare span alone: +${v.floor.toFixed(1)} µs).`,
          ),
        ].join('\n'),
      };
    },
  },
  instructions: {
    title: 'Instructions added per LLM call, counted by callgrind (issue 17)',
    run() {
      const r = run('instructions.mjs');
      if (r.skipped) return { pass: false, md: `Not measured: ${r.skipped}.` };
      const rows = [];
      const verdicts = [];
      let pass = true;
      for (const mode of ['plain', 'stream']) {
        const x = r[mode];
        const added = (v) => x[v] - x.none;
        const floor = added('bare-span');
        const bestPeer = Math.min(added('otel-contrib'), added('traceloop'));
        for (const v of ['bare-span', 'contract-span', 'otel-contrib', 'traceloop', 'agentops', 'agentops-no-content']) {
          if (x[v] === undefined) continue;
          rows.push(`| ${mode} | ${v} | ${k(x[v])} | ${signed(added(v))} | ${v === 'bare-span' ? '' : signed(added(v) - floor)} |`);
        }
        const ours = added('agentops') - floor;
        const peerAbove = bestPeer - floor;
        const fewer = added('agentops') < bestPeer;
        const halfMet = ours <= peerAbove / 2;
        pass &&= fewer && halfMet;
        verdicts.push(
          `${mode}: ours ${signed(added('agentops'))} vs best peer ${signed(bestPeer)} — fewer than every peer: ${fewer ? 'met' : 'NOT met'}; ` +
            `above the floor ${signed(ours)} vs the best peer's ${signed(peerAbove)} — at most half: ${halfMet ? 'met' : 'NOT met'}` +
            (x['contract-span'] === undefined
              ? ''
              : ` (half is ${signed(Math.floor(peerAbove / 2))}; the contract's attributes alone, as constants, take ${signed(added('contract-span') - floor)} of it)`),
        );
      }
      return {
        pass,
        md: [
          'Each variant of `bench/llm-overhead.mjs` (real `openai` client, in-memory fetch, one `NodeTracerProvider` +',
          '`BatchSpanProcessor`, each package\'s defaults; ours with content capture and cost on) under',
          '`valgrind --tool=callgrind`, V8 single-threaded. Each run first makes warm-up calls with callgrind\'s',
          'instrumentation off (plain 8,000; streamed 3,000: the JIT compiles the stream path for thousands of calls, and a',
          'window that starts earlier counts its compilations — differently for each variant — more than the calls), then',
          'counts two numbers of calls (plain 4,000 / 9,000; streamed, 50 chunks, 1,000 / 2,000): the difference divided by',
          'the extra calls is one call\'s instructions, with start-up cancelled out. The old generation is made big enough (`--initial-old-space-size=2048`) that no',
          'major collection falls between the two counts (one more or less of them moved a figure by ±30 k); the',
          'young-generation collections every call\'s garbage causes are counted. The floor (`bare-span`) is a CLIENT span',
          'made current for the call and ended when it settles — for a stream, when its last chunk is read — with no',
          'attributes: what every instrumentation here does at the least. "none" has no span at all, and so never turns on',
          'the async context tracking that the provider\'s exporter switches on with its first export (~80 k a call for',
          'the promises of the client itself): compare above the floor. `contract-span` (plain) is the floor plus the 17',
          'attributes SPEC §3 and the GenAI conventions ask of this call (the sampling-relevant ones at the start, the rest',
          'in one `setAttributes` at the end), as constants: no reading of the request or response, no JSON, no cost —',
          'what the SDK takes to hold the contract\'s attributes, which any instrumentation honouring it pays. The same',
          'variant measured several times spreads by about ±1.5 k.',
          '',
          '| call | variant | instructions per call | added over none | above the floor |',
          '|---|---|---:|---:|---:|',
          ...rows,
          '',
          ...verdicts.map((v) => `- ${v}`),
        ].join('\n'),
      };
    },
  },
  instructionsProviders: {
    title: 'Instructions added per call of the provider clients, counted by callgrind (issues 14, 17)',
    run: () =>
      instructionsTable(
        'providers',
        'The real clients against the fake model server in the same process (loopback; `bench/providers.mjs`), counted at 300 and 600 calls (Bedrock, the subject with a peer: 300 and 1,500) after 4,000 warm-up calls (after 1,000 the optimizing compiler was still at work in the window). Every instrumentation that makes spans turns on the async context tracking of the whole HTTP stack here, client and fake server alike, so "added over none" is far above what the instrumentation itself does: compare with the peer and above the floor ("bare-span": a CLIENT span made current around each call, with nothing on it). In 300-call windows a variant with spans still spreads by tens of k between runs (the Bedrock floor: 3,261–3,332 k over seven runs; ours on google-genai and on Mistral moved by ~80 k between two runs, and a floor has come out above ours). Bedrock, the subject with a peer, is therefore counted over 1,200 calls, where two runs agreed within 10 k; for the others a difference of less than ~80 k is a tie',
      ),
  },
  instructionsFrameworks: {
    title: 'Instructions added per call of the agent frameworks, counted by callgrind (issues 13, 17)',
    run: () =>
      instructionsTable(
        'frameworks',
        'One framework call = one model request on the real `openai` client with an in-memory fetch (`bench/frameworks.mjs`; ours with `AgentOpsSpanProcessor` deciding the one event per call), counted at 300 and 600 calls after 1,000 warm-up calls. For the AI SDK, which every peer traces through its own telemetry, "telemetry" is that telemetry turned on with no processor (what every peer pays at the least) and "langfuse" adds Langfuse\'s processor',
      ),
  },
  exportMemory: {
    title: 'Export of a big session in bounded memory (issue 11)',
    run() {
      const r = run('export-memory.mjs');
      const small = r['10000'];
      const big = r['100000'];
      const pass = big.rssPeakDeltaMb <= 64;
      return {
        pass,
        md: [
          'Sessions of 10,000 and 100,000 LLM events (with prompts and completions) stored in the server (its CLI in',
          'another process); `GET /v2/sessions/{id}/export` read to its end while the server process\'s resident memory',
          'is sampled every 5 ms. The export is streamed page by page (256 events), so memory does not grow with the session.',
          '',
          '| events | export size | time | server RSS before | peak RSS added during the export |',
          '|---:|---:|---:|---:|---:|',
          `| 10,000 | ${small.bytesMb} MB | ${small.ms} ms | ${small.rssBeforeMb} MB | ${small.rssPeakDeltaMb} MB |`,
          `| 100,000 | ${big.bytesMb} MB | ${big.ms} ms | ${big.rssBeforeMb} MB | **${big.rssPeakDeltaMb} MB** |`,
          '',
          `Target: the 100,000-event export adds at most 64 MB to the server — ${pass ? 'met' : 'NOT met'}.`,
        ].join('\n'),
      };
    },
  },
  startup: {
    title: 'Start-up of the preload (issue 4)',
    run() {
      const r = run('startup.mjs', '20');
      const M = (n) => `${(n / 1e6).toFixed(1)} M`;
      const ratios = (p) => {
        const i = p.addedInstructions;
        return { ms: p.addedMs.agentops / p.addedMs.autoInstrumentations, instructions: i ? i.agentops / i.autoInstrumentations : undefined };
      };
      const table = (p) => {
        const i = p.addedInstructions;
        return [
          '| variant | median ms | added ms | instructions | added |',
          '|---|---:|---:|---:|---:|',
          `| node | ${p.medianMs.node} | | ${i ? M(p.instructions.node) : '—'} | |`,
          `| @agentops/otel/register | ${p.medianMs.agentops} | **${p.addedMs.agentops}** | ${i ? M(p.instructions.agentops) : '—'} | ${i ? `**+${M(i.agentops)}**` : '—'} |`,
          `| auto-instrumentations-node/register | ${p.medianMs['auto-instrumentations']} | ${p.addedMs.autoInstrumentations} | ${i ? M(p.instructions['auto-instrumentations']) : '—'} | ${i ? `+${M(i.autoInstrumentations)}` : '—'} |`,
        ];
      };
      const verdict = (q) => `in ms ${q.ms <= 0.1 ? 'met' : 'NOT met'} (${q.ms.toFixed(3)}); in instructions ${q.instructions === undefined ? 'not measured (no valgrind)' : `${q.instructions <= 0.1 ? 'met' : 'NOT met'} (${q.instructions.toFixed(3)})`}`;
      const empty = ratios(r.programs.empty);
      const openai = ratios(r.programs.openai);
      return {
        pass: empty.ms <= 0.1 && empty.instructions !== undefined && empty.instructions <= 0.1,
        md: [
          'A program alone, with `--require @agentops/otel/register`, and with',
          '`--require @opentelemetry/auto-instrumentations-node/register` (exporters off, no API key), 20 interleaved runs, median;',
          'then each once under `valgrind --tool=callgrind` (V8 single-threaded), in instructions. Our preload loads',
          'AgentOps at the first require that needs it (an instrumented client or framework, `@opentelemetry/api`,',
          '`@agentops/otel`, `child_process`, `cluster`, `worker_threads`) or at an uncaught exception.',
          '',
          `**\`${r.programs.empty.program}\`** — a process that never needs AgentOps:`,
          '',
          ...table(r.programs.empty),
          '',
          `Target: ours at most 0.10 of the auto-instrumentations preload's — ${verdict(empty)}.`,
          '',
          `**\`${r.programs.openai.program}\`** — a process that loads an LLM client, where AgentOps starts in full:`,
          '',
          ...table(r.programs.openai),
          '',
          `Ours / auto-instrumentations: ${openai.ms.toFixed(3)} in ms, ${openai.instructions === undefined ? '—' : openai.instructions.toFixed(3)} in instructions.`,
        ].join('\n'),
      };
    },
  },
  degraded: {
    title: 'A slow, flapping or failing server (issue 6)',
    run() {
      const modes = ['healthy', 'slow', 'flapping', 'errors500'];
      const r = Object.fromEntries(modes.map((m) => [m, run('degraded.mjs', m)]));
      const h = r.healthy;
      const ok = (m) =>
        m.recordNs <= 2 * h.recordNs && m.llmUs <= 2 * h.llmUs && m.endSessionMs <= m.endSessionBoundMs && m.consistent && m.heapAfterGcAddedMb <= h.heapAfterGcAddedMb + 64;
      return {
        pass: modes.every((m) => ok(r[m])),
        md: [
          'One process per condition: the app records 100,000 action events (1,000 every 50 ms) and makes 2,700 instrumented',
          'openai calls (in-memory fetch) while the server, behind a proxy, is healthy; slow (every answer 3 s late); flapping',
          '(down and up every second); or answering 500 — each fault for the first 4 s. Then `endSession()` (maxWaitTime',
          '200 ms), recovery, and the server\'s stats: what it holds plus what the SDK reported dropped must be what was recorded.',
          '',
          '| server | record() ns | ratio | LLM call µs | ratio | endSession() ms (bound) | heap / RSS after GC | on server + dropped = recorded |',
          '|---|---:|---:|---:|---:|---:|---:|---|',
          ...modes.map((m) => {
            const x = r[m];
            return `| ${m} | ${x.recordNs} | ${ratio(x.recordNs, h.recordNs)} | ${x.llmUs} | ${ratio(x.llmUs, h.llmUs)} | ${x.endSessionMs} (${x.endSessionBoundMs}) | +${x.heapAfterGcAddedMb} / +${x.rssAfterGcAddedMb} MB | ${x.onServer} + ${x.dropped} = ${x.recorded} ${x.consistent ? '✓' : '✗'} |`;
          }),
          '',
          `Targets: record() and LLM calls at most 2x healthy, endSession() within maxWaitTime + 5 s, memory bounded (heap after GC within 64 MB of healthy), stats = recorded − dropped — ${modes.every((m) => ok(r[m])) ? 'met' : 'NOT met'}.`,
        ].join('\n'),
      };
    },
  },
  soak: {
    title: 'Soak: memory over two minutes of steady recording (issue 6)',
    run() {
      const r = run('soak.mjs', '120');
      const warm = r.samples[1] ?? r.samples[0];
      const last = r.samples[r.samples.length - 1];
      const pass = r.dropped === 0 && last.heapMb - warm.heapMb < 16 && last.appMb - warm.appMb < 32;
      return {
        pass,
        md: [
          `An app records 5,000 events a second for ${r.seconds} s (${r.recorded} events, a new session every 50,000) against a`,
          'server in another process; memory sampled after GC.',
          '',
          '| t (s) | app RSS | app heap | server RSS |',
          '|---:|---:|---:|---:|',
          ...r.samples.map((x) => `| ${x.t} | ${x.appMb} MB | ${x.heapMb} MB | ${x.serverMb} MB |`),
          '',
          `Dropped: ${r.dropped}. App memory flat after warm-up — ${pass ? 'yes' : 'NO'} (heap ${warm.heapMb} → ${last.heapMb} MB).`,
        ].join('\n'),
      };
    },
  },
  frameworks: {
    title: 'Per-call overhead of the framework integrations: ours vs the peers that cover each framework (issue 13)',
    run() {
      // framework → its variants: none, ours, the peers that cover it.
      const FRAMEWORKS = {
        langchain: ['none', 'agentops', 'traceloop', 'openinference'],
        'ai-sdk': ['none', 'agentops', 'telemetry', 'langfuse'],
        'openai-agents': ['none', 'agentops', 'openinference'],
      };
      const ROUNDS = Number(process.env.BENCH_ROUNDS) || 5;
      const rows = [];
      for (const [fw, variants] of Object.entries(FRAMEWORKS)) {
        const runs = Object.fromEntries(variants.map((v) => [v, []]));
        for (let i = 0; i < ROUNDS; i++) for (const v of variants) runs[v].push(run('frameworks.mjs', fw, v));
        for (const v of variants) {
          const us = median(runs[v].map((x) => x.usPerCall));
          const plus = v === 'none' ? 0 : median(runs[v].map((x, i) => x.usPerCall - runs.none[i].usPerCall));
          rows.push(`| ${fw} | ${v} | ${us.toFixed(0)} | ${v === 'none' ? '' : `${plus >= 0 ? '+' : ''}${plus.toFixed(0)}`} | ${runs[v][0].spansPerCall} |`);
        }
      }
      return {
        pass: true,
        md: [
          'The real framework and `openai` client on an in-memory `fetch` (no network), one framework call = one model',
          `request: LangChain \`ChatOpenAI.invoke\` (@langchain/openai 1.5), AI SDK 6 \`generateText\`, Agents SDK 0.14 \`run\` (chat completions model). ${ROUNDS}`,
          'rounds, each running every variant in its own process back to back; "added µs" is the median over the rounds of',
          "a variant minus that round's untraced run. The same `NodeTracerProvider` + `BatchSpanProcessor` for all; ours adds",
          "`AgentOpsSpanProcessor` (which decides the one event per call) exporting nowhere, and the client instrumentation.",
          'Peers: OpenLLMetry (`@traceloop/instrumentation-langchain` + `-openai`), OpenInference (`@arizeai/openinference-',
          'instrumentation-langchain` / `-openai-agents` + `-openai`), and for the AI SDK, which every peer traces through its',
          'own telemetry: that telemetry turned on by hand ("telemetry") and with Langfuse\'s `LangfuseSpanProcessor` exporting',
          'to a loopback sink ("langfuse"). Wall time varies ±50 % on these machines: compare within a framework.',
          '',
          '| framework | variant | µs per call | added µs | spans per call |',
          '|---|---|---:|---:|---:|',
          ...rows,
        ].join('\n'),
      };
    },
  },
  providers: {
    title: 'Per-call overhead of the provider instrumentations: ours vs none vs OpenLLMetry where it has one (issue 14)',
    run() {
      const PROVIDERS = {
        'google-genai': ['none', 'agentops'],
        mistral: ['none', 'agentops'],
        cohere: ['none', 'agentops', 'traceloop'],
        bedrock: ['none', 'agentops', 'traceloop'],
      };
      const ROUNDS = Number(process.env.BENCH_ROUNDS) || 5;
      const rows = [];
      for (const [name, variants] of Object.entries(PROVIDERS)) {
        const runs = Object.fromEntries(variants.map((v) => [v, []]));
        for (let i = 0; i < ROUNDS; i++) for (const v of variants) runs[v].push(run('providers.mjs', name, v));
        for (const v of variants) {
          const us = median(runs[v].map((x) => x.usPerCall));
          const plus = v === 'none' ? 0 : median(runs[v].map((x, i) => x.usPerCall - runs.none[i].usPerCall));
          const spans = runs[v].reduce((n, x) => n + x.spans, 0);
          const calls = runs[v].reduce((n, x) => n + x.calls, 0);
          rows.push(`| ${name} | ${v} | ${us.toFixed(0)} | ${v === 'none' ? '' : `${plus >= 0 ? '+' : ''}${plus.toFixed(0)}`} | ${v === 'none' ? '' : `${spans} / ${calls}`} |`);
        }
      }
      return {
        pass: true,
        md: [
          'The real clients (`@google/genai` 2, `@mistralai/mistralai` 2, `cohere-ai` 8 V2, `@aws-sdk/client-bedrock-runtime` 3',
          '`ConverseCommand` over HTTP/2) against the fake model server in the same process on loopback, one plain call each.',
          `${ROUNDS} rounds, each running every variant in its own process back to back; "added µs" is the median over the rounds`,
          "of a variant minus that round's uninstrumented run. The same `NodeTracerProvider` + `BatchSpanProcessor` for all;",
          'CLIENT spans are counted to show which calls each instrumentation saw. OpenLLMetry has instrumentations for Bedrock',
          'and Cohere (`@traceloop/instrumentation-bedrock`, `-cohere` 0.27): the latter covers only the V1 client, so it',
          'records none of these V2 calls; none of the peers covers `@google/genai` or Mistral. Loopback HTTP makes these',
          'figures noisier than the in-memory ones above: compare within a provider.',
          '',
          '| provider | variant | µs per call | added µs | spans / calls |',
          '|---|---|---:|---:|---:|',
          ...rows,
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
// `--update`: the named benchmarks' sections are replaced in (or added to) BENCHMARKS.md, the others kept.
if (args.includes('--update') && only.length) {
  const file = path.join(here, '..', 'BENCHMARKS.md');
  let text = readFileSync(file, 'utf8');
  for (const [i, name] of names.entries()) {
    const head = `## ${BENCHMARKS[name].title}`;
    const start = text.indexOf(head);
    const section = sections[i];
    if (start < 0) text = `${text.trimEnd()}\n\n${section}`;
    else {
      const next = text.indexOf('\n## ', start + head.length);
      text = text.slice(0, start) + section + (next < 0 ? '' : `\n${text.slice(next + 1)}`);
    }
  }
  writeFileSync(file, text);
}
