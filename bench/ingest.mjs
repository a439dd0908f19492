// The server's ingest rate (create_events over HTTP, batches of 1000, to a server in another process)
// against raw better-sqlite3 batched inserts of the same rows into the same schema, in the same run.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Store } from '@agentops/server';
import { spawnServer } from './server-process.mjs';

const N = Number(process.argv[2] ?? 100_000);
const BATCH = 1000;
const CONCURRENCY = 4;

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

// Raw: the same rows, the same table, one transaction per batch.
const server = await spawnServer();
const rawStore = new Store(path.join(server.dir, 'raw.db'));
const insert = rawStore.db.prepare(`INSERT INTO events (project_id, id, session_id, event_type, init_timestamp, end_timestamp, agent_id, model, cost,
  prompt_tokens, completion_tokens, cache_read_tokens, reasoning_tokens, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`);
const rawSession = randomUUID();
const insertBatch = rawStore.db.transaction((events) => {
  for (const e of events) {
    insert.run('p', e.id, rawSession, e.event_type, e.init_timestamp, e.end_timestamp, null, e.model, e.cost, e.prompt_tokens, e.completion_tokens, null, null, JSON.stringify(e));
  }
});
let t0 = performance.now();
for (const b of batches) insertBatch(b);
const rawMs = performance.now() - t0;
rawStore.close();

// Server: real HTTP, validation, auth, the same inserts.
try {
  const sessionId = randomUUID();
  const created = await (
    await fetch(`${server.url}/v2/create_session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-agentops-api-key': server.apiKey },
      body: JSON.stringify({ session: { session_id: sessionId, init_timestamp: new Date().toISOString() } }),
    })
  ).json();
  const bodies = batches.map((events) => JSON.stringify({ events }));
  const latencies = [];
  let next = 0;
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const s = performance.now();
        const res = await fetch(`${server.url}/v2/create_events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${created.jwt}` },
          body,
        });
        if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        latencies.push(performance.now() - s);
      }
    }),
  );
  const serverMs = performance.now() - t0;
  const stats = await server.stats(sessionId);
  if (stats.events !== N) throw new Error(`server stored ${stats.events} of ${N}`);
  latencies.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      events: N,
      batch: BATCH,
      concurrency: CONCURRENCY,
      rawPerSecond: Math.round(N / (rawMs / 1000)),
      serverPerSecond: Math.round(N / (serverMs / 1000)),
      p50BatchMs: Math.round(latencies[Math.floor(latencies.length * 0.5)]),
      p99BatchMs: Math.round(latencies[Math.floor(latencies.length * 0.99)]),
    }),
  );
} finally {
  server.stop();
}
process.exit(0);
