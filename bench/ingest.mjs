// The server's ingest rate (create_events over HTTP, batches of 1000, to server processes) on each store, each
// against raw batched inserts of the same rows into the same schema with the same driver, in the same run:
// SQLite (better-sqlite3) with one server; PostgreSQL (pg) with one replica and with three.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PostgresStore, SqliteStore } from '@agentops/server';
import { startPostgres } from './postgres.mjs';
import { spawnServer } from './server-process.mjs';

const N = Number(process.argv[2] ?? 100_000);
const BATCH = 1000;
const CONCURRENCY = 6;
const SESSIONS = 24;

const makeEvent = (i) => ({
  id: `ev-${i}`,
  event_type: i % 4 === 0 ? 'llms' : 'actions',
  init_timestamp: new Date(1_767_225_600_000 + i).toISOString(),
  end_timestamp: new Date(1_767_225_600_000 + i + 5).toISOString(),
  model: i % 4 === 0 ? 'gpt-4o-mini' : null,
  prompt_tokens: i % 4 === 0 ? 120 : null,
  completion_tokens: i % 4 === 0 ? 30 : null,
  cost: i % 4 === 0 ? 0.00004 : null,
  action_type: 'step',
  params: { i, query: 'weather in Paris' },
  returns: ['sunny', 'warm'],
});
const batches = [];
for (let b = 0; b < N / BATCH; b++) batches.push(Array.from({ length: BATCH }, (_, k) => makeEvent(b * BATCH + k)));
const row = (e, sessionId) => [e.id, sessionId, e.event_type, e.init_timestamp, e.end_timestamp, null, e.model, e.cost, e.prompt_tokens, e.completion_tokens, null, null, JSON.stringify(e)];

/** Runs `work(i)` for i in 0..n-1, `concurrency` at a time; resolves with the wall time in ms and per-call latencies. */
async function pooled(n, concurrency, work) {
  const latencies = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        await work(i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { ms: performance.now() - t0, p50: latencies[Math.floor(latencies.length * 0.5)], p99: latencies[Math.floor(latencies.length * 0.99)] };
}

/** create_events through the servers at `urls` (round robin), each batch into one of SESSIONS sessions. */
async function throughServers(urls, apiKey) {
  const post = (url, p, body, headers) => fetch(`${url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const sessions = [];
  for (let s = 0; s < SESSIONS; s++) {
    const id = randomUUID();
    const res = await post(urls[s % urls.length], '/v2/create_session', JSON.stringify({ session: { session_id: id } }), { 'x-agentops-api-key': apiKey });
    sessions.push({ id, jwt: (await res.json()).jwt });
  }
  const bodies = batches.map((events) => JSON.stringify({ events }));
  const r = await pooled(bodies.length, CONCURRENCY, async (i) => {
    const res = await post(urls[i % urls.length], '/v2/create_events', bodies[i], { authorization: `Bearer ${sessions[i % SESSIONS].jwt}` });
    if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  });
  let stored = 0;
  for (const s of sessions) stored += (await (await fetch(`${urls[0]}/v2/sessions/${s.id}/stats`, { headers: { 'x-agentops-api-key': apiKey } })).json()).events;
  if (stored !== N) throw new Error(`the servers stored ${stored} of ${N}`);
  return { perSecond: Math.round(N / (r.ms / 1000)), p50: Math.round(r.p50), p99: Math.round(r.p99) };
}

async function serverVariant(db, replicas) {
  const apiKey = randomUUID();
  const servers = [];
  for (let i = 0; i < replicas; i++) servers.push(await spawnServer({ db, apiKey }));
  try {
    return await throughServers(
      servers.map((s) => s.url),
      apiKey,
    );
  } finally {
    for (const s of servers) s.stop();
  }
}

const out = { events: N, batch: BATCH, concurrency: CONCURRENCY, sessions: SESSIONS };

// SQLite: raw prepared INSERTs, one transaction per batch (one writer: SQLite has one), then one server.
{
  const raw = new SqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'agentops-bench-raw-')), 'raw.db'));
  const insert = raw.db.prepare(`INSERT INTO events (project_id, id, session_id, event_type, init_timestamp, end_timestamp, agent_id, model, cost,
    prompt_tokens, completion_tokens, cache_read_tokens, reasoning_tokens, data) VALUES ('p',?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`);
  const insertBatch = raw.db.transaction((events, sessionId) => {
    for (const e of events) insert.run(...row(e, sessionId));
  });
  const ids = Array.from({ length: SESSIONS }, () => randomUUID());
  const t0 = performance.now();
  batches.forEach((b, i) => insertBatch(b, ids[i % SESSIONS]));
  out.sqliteRawPerSecond = Math.round(N / ((performance.now() - t0) / 1000));
  await raw.close();
  out.sqlite = await serverVariant(undefined, 1);
}

// PostgreSQL: raw multi-row INSERTs (unnest), one statement per batch, CONCURRENCY connections; then 1 and 3 replicas.
const postgres = await startPostgres();
try {
  const rawUrl = await postgres.database();
  await (await PostgresStore.open(rawUrl)).close(); // the schema
  const pool = new pg.Pool({ connectionString: rawUrl, max: CONCURRENCY });
  const ids = Array.from({ length: SESSIONS }, () => randomUUID());
  const r = await pooled(batches.length, CONCURRENCY, async (i) => {
    const rows = batches[i].map((e) => row(e, ids[i % SESSIONS]));
    await pool.query(
      `INSERT INTO events (project_id, id, session_id, event_type, init_timestamp, end_timestamp, agent_id, model, cost,
         prompt_tokens, completion_tokens, cache_read_tokens, reasoning_tokens, data)
       SELECT 'p', * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[],
         $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::text[]) ON CONFLICT DO NOTHING`,
      rows[0].map((_, c) => rows.map((x) => x[c])),
    );
  });
  out.postgresRawPerSecond = Math.round(N / (r.ms / 1000));
  await pool.end();
  out.postgres1 = await serverVariant(await postgres.database(), 1);
  out.postgres3 = await serverVariant(await postgres.database(), 3);
} finally {
  postgres.stop();
}
console.log(JSON.stringify(out));
process.exit(0);
