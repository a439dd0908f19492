// How the read endpoints' cost grows with the data: /stats, /export, the first page of /v2/sessions and
// /v2/overview against a server process holding 10k, 100k and 1M events (sessions of 100 events over 30 days),
// then one session of 100k events; for the SQLite and the PostgreSQL store. Export memory: the server's RSS peak
// while it streams a session out.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PostgresStore, SqliteStore } from '@agentops/server';
import { startPostgres } from './postgres.mjs';
import { spawnServer } from './server-process.mjs';

const SIZES = (process.argv[2] ?? '10000,100000,1000000').split(',').map(Number);
const PER_SESSION = 100;
const BIG = Number(process.argv[3] ?? 100_000);
const DAY = 86_400_000;
const now = Date.now();

const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function sessionBatch(firstSession, count, perSession) {
  const sessions = [];
  const events = [];
  for (let s = 0; s < count; s++) {
    const id = randomUUID();
    const start = now - ((firstSession + s) % 30) * DAY - 3_600_000;
    sessions.push({ session_id: id, init_timestamp: new Date(start).toISOString(), end_timestamp: new Date(start + 60_000).toISOString(), end_state: 'Success', tags: [`t${s % 10}`] });
    for (let i = 0; i < perSession; i++) {
      const llm = i % 4 === 0;
      events.push({
        id: `e${i}`,
        session_id: id,
        event_type: llm ? 'llms' : 'actions',
        init_timestamp: new Date(start + i * 10).toISOString(),
        end_timestamp: new Date(start + i * 10 + 5).toISOString(),
        ...(llm ? { model: `model-${i % 3}`, prompt_tokens: 100, completion_tokens: 20, cost: 0.0001 } : { action_type: 'step' }),
        params: { i, q: 'weather in Paris' },
      });
    }
  }
  return { sessions, events };
}

async function measure(server, ids, reps) {
  const get = async (p) => {
    const t0 = performance.now();
    const res = await fetch(server.url + p, { headers: { 'x-agentops-api-key': server.apiKey } });
    if (res.status !== 200) throw new Error(`${p} answered ${res.status}`);
    await res.arrayBuffer();
    return performance.now() - t0;
  };
  // Seeding kept this process busy past the server's keep-alive timeout: an untimed request finds the closed socket.
  await fetch(`${server.url}/v2/overview`, { headers: { 'x-agentops-api-key': server.apiKey } }).catch(() => {});
  const times = async (p, n = reps) => {
    const xs = [];
    for (let i = 0; i < n; i++) xs.push(await get(typeof p === 'function' ? p(i) : p));
    return Math.round(median(xs) * 100) / 100;
  };
  return {
    stats: await times((i) => `/v2/sessions/${ids[i % ids.length]}/stats`),
    list: await times('/v2/sessions?limit=50'),
    overview: await times('/v2/overview'),
    export: await times((i) => `/v2/sessions/${ids[i % ids.length]}/export`, 10),
  };
}

/** The export of one session, timed, with the server's RSS sampled every 5 ms while it streams. */
async function exportMemory(server, id) {
  const before = rssKb(server.pid);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rssKb(server.pid))), 5);
  const t0 = performance.now();
  const res = await fetch(`${server.url}/v2/sessions/${id}/export`, { headers: { 'x-agentops-api-key': server.apiKey } });
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  const ms = performance.now() - t0;
  clearInterval(timer);
  return { ms: Math.round(ms), mb: Math.round(bytes / 1e5) / 10, addedRssMb: Math.round((peak - before) / 102.4) / 10 };
}

async function variant(kind, db) {
  const server = await spawnServer({ db });
  const store = kind === 'sqlite' ? new SqliteStore(server.db) : await PostgresStore.open(db);
  const project = await store.projectForKey(server.apiKey);
  const rows = [];
  let have = 0;
  const sample = [];
  try {
    for (const size of SIZES) {
      const t0 = performance.now();
      while (have < size) {
        const count = Math.min(100, (size - have) / PER_SESSION);
        const batch = sessionBatch(have / PER_SESSION, count, PER_SESSION);
        await store.write(project, batch);
        if (sample.length < 20) sample.push(...batch.sessions.slice(0, 20 - sample.length).map((s) => s.session_id));
        have += count * PER_SESSION;
      }
      const seedS = Math.round((performance.now() - t0) / 100) / 10;
      const m = await measure(server, sample, 30);
      const mem = await exportMemory(server, sample[0]);
      rows.push({ events: size, seedS, ...m, exportAddedRssMb: mem.addedRssMb });
    }
    // One session of BIG events, written in batches of 10,000 as the ingest bounds allow.
    const big = randomUUID();
    for (let i = 0; i < BIG; i += 10_000) {
      const b = sessionBatch(0, 1, Math.min(10_000, BIG - i));
      b.sessions[0].session_id = big;
      b.events = b.events.map((e, k) => ({ ...e, id: `big-${i + k}`, session_id: big }));
      await store.write(project, b);
    }
    const bigStats = (await measure(server, [big], 30)).stats;
    const bigExport = await exportMemory(server, big);
    return { rows, big: { events: BIG, stats: bigStats, exportMs: bigExport.ms, exportMb: bigExport.mb, exportAddedRssMb: bigExport.addedRssMb } };
  } finally {
    await store.close();
    server.stop();
  }
}

const out = { sizes: SIZES, perSession: PER_SESSION };
out.sqlite = await variant('sqlite', undefined);
const postgres = await startPostgres();
try {
  out.postgres = await variant('postgres', await postgres.database());
} finally {
  postgres.stop();
}
console.log(JSON.stringify(out));
process.exit(0);
