import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exited, spawnServer } from './helpers/server-process.js';
import { runLoadApps } from './helpers/load-apps.js';
import { freshDatabase, STORES } from './helpers/postgres.js';

const APPS = 20;
const SESSIONS = 5;
const EVENTS = 1000;

describe.each(STORES)('load on the %s store: 20 app processes × 5 sessions × 1,000 events against one server', (kind) => {
  it('every event arrives exactly once and every session’s stats are exact; the p99 ingest latency is reported', async () => {
    const key = randomUUID();
    const db = kind === 'sqlite' ? path.join(mkdtempSync(path.join(tmpdir(), 'agentops-load-')), 'agentops.db') : await freshDatabase();
    const server = await spawnServer(['--port', '0', '--db', db, '--api-key', key]);
    try {
      const outputs = await runLoadApps(APPS, SESSIONS, EVENTS, server.url, key);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const get = async (p: string): Promise<any> => (await fetch(server.url + p, { headers: { 'x-agentops-api-key': key } })).json();
      let total = 0;
      for (const out of outputs) {
        const { results, dropped } = JSON.parse(out.trim().split('\n').pop()!);
        expect(dropped).toBe(0);
        for (const r of results) {
          const stats = await get(`/v2/sessions/${r.id}/stats`);
          expect(stats.event_counts).toEqual(r.counts);
          expect(stats.events).toBe(EVENTS);
          expect(stats.cost).toBe(r.cost.toFixed(6));
          expect(r.serverCost).toBe(stats.cost);
          expect(stats.end_state).toBe('Success');
          total += stats.events;
        }
      }
      expect(total).toBe(APPS * SESSIONS * EVENTS);
      const listed = await get('/v2/sessions?tag=load&limit=1000');
      expect(listed.sessions).toHaveLength(APPS * SESSIONS);
      const metrics = await get('/v2/server/metrics');
      expect(metrics.ingest.requests).toBeGreaterThan(0);
      expect(metrics.ingest.p99_ms).toBeGreaterThan(0);
      console.log(`load (${kind}): ${total} events in ${APPS * SESSIONS} sessions; server ingest p50 ${metrics.ingest.p50_ms} ms, p99 ${metrics.ingest.p99_ms} ms over ${metrics.ingest.requests} requests`);
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  });
});
