// The server's memory while it exports a big session: /v2/sessions/{id}/export streams page by page, so the
// resident memory of the server process stays flat whether the session holds 10,000 or 100,000 events.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { spawnServer } from './server-process.mjs';

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function sessionWith(server, n) {
  const id = randomUUID();
  const res = await fetch(`${server.url}/v2/create_session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-agentops-api-key': server.apiKey },
    body: JSON.stringify({ session: { session_id: id, init_timestamp: new Date().toISOString() } }),
  });
  const { jwt } = await res.json();
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  for (let b = 0; b < n; b += 10_000) {
    const events = Array.from({ length: Math.min(10_000, n - b) }, (_, i) => ({
      id: `e${b + i}`,
      event_type: 'llms',
      init_timestamp: new Date(t0 + b + i).toISOString(),
      end_timestamp: new Date(t0 + b + i + 5).toISOString(),
      model: 'gpt-4o-mini',
      prompt: [{ role: 'user', content: `question ${b + i} `.repeat(8) }],
      completion: { role: 'assistant', content: 'answer '.repeat(16) },
      prompt_tokens: 40,
      completion_tokens: 30,
      cost: 0.00002,
    }));
    const r = await fetch(`${server.url}/v2/create_events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` }, body: JSON.stringify({ events }) });
    if (r.status !== 200) throw new Error(`create_events answered ${r.status}`);
  }
  return id;
}

async function exportPeak(server, id) {
  const before = rssMb(server.pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.pid))), 5);
  const t0 = performance.now();
  const res = await fetch(`${server.url}/v2/sessions/${id}/export`, { headers: { 'x-agentops-api-key': server.apiKey } });
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  const ms = performance.now() - t0;
  clearInterval(sampler);
  return { events: 0, bytesMb: Math.round(bytes / 1e5) / 10, ms: Math.round(ms), rssBeforeMb: Math.round(before), rssPeakDeltaMb: Math.round((peak - before) * 10) / 10 };
}

const server = await spawnServer();
try {
  const out = {};
  for (const n of [10_000, 100_000]) {
    const id = await sessionWith(server, n);
    await exportPeak(server, id); // warm
    out[n] = { ...(await exportPeak(server, id)), events: n };
  }
  console.log(JSON.stringify(out));
} finally {
  server.stop();
}
