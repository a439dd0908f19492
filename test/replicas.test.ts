// Three server replicas on one PostgreSQL behind a load balancer; one is killed with SIGKILL mid-ingest.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshDatabase, postgresOff } from './helpers/postgres.js';
import { startLoadBalancer } from './helpers/load-balancer.js';
import { exited, spawnServer } from './helpers/server-process.js';
import { runLoadApps } from './helpers/load-apps.js';

const APPS = 6;
const SESSIONS = 5;
const EVENTS = 1000;

describe.skipIf(postgresOff())('three replicas on one PostgreSQL', () => {
  it('start together and migrate once; a token of one works on the others; with one killed mid-ingest, every event is stored exactly once', async () => {
    const db = await freshDatabase();
    const key = randomUUID();
    const replicas = await Promise.all([0, 1, 2].map(() => spawnServer(['--port', '0', '--db', db, '--api-key', key])));
    const pool = new pg.Pool({ connectionString: db, max: 2 });
    const lb = await startLoadBalancer(replicas.map((r) => r.url));
    try {
      await new Promise((r) => setTimeout(r, 300)); // the migration lines follow the listening line
      const applied = replicas.flatMap((r) => r.stdout().match(/^Applied migration \S+$/gm) ?? []);
      const migrations = (await pool.query('SELECT name FROM schema_migrations ORDER BY version')).rows.map((r) => r.name as string);
      expect(migrations).toEqual(['0001_initial']);
      expect(applied).toEqual(['Applied migration 0001_initial']);

      // A session token made by replica 0 writes through replica 2; a key registered by all three is one project.
      const sid = randomUUID();
      const created = (await (
        await fetch(`${replicas[0].url}/v2/create_session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-agentops-api-key': key }, body: JSON.stringify({ session: { session_id: sid } }) })
      ).json()) as { jwt: string };
      const onOther = await fetch(`${replicas[2].url}/v2/create_events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${created.jwt}` },
        body: JSON.stringify({ events: [{ id: 'e1', event_type: 'actions', init_timestamp: new Date().toISOString() }] }),
      });
      expect(onOther.status).toBe(200);
      expect(Number((await pool.query('SELECT COUNT(*) AS n FROM projects')).rows[0].n)).toBe(1);

      const apps = runLoadApps(APPS, SESSIONS, EVENTS, lb.url, key);
      // Mid-ingest: some events are in, most are not.
      for (;;) {
        const n = Number((await pool.query('SELECT COUNT(*) AS n FROM events').catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n);
        if (n > 2000) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const servedBeforeKill = lb.served[1];
      replicas[1].child.kill('SIGKILL');
      await exited(replicas[1].child);
      const outputs = await apps;

      expect(servedBeforeKill).toBeGreaterThan(0);
      expect(lb.served[0]).toBeGreaterThan(0);
      expect(lb.served[2]).toBeGreaterThan(0);
      let total = 0;
      for (const out of outputs) {
        const { results, dropped } = JSON.parse(out.trim().split('\n').pop()!);
        expect(dropped).toBe(0);
        for (const r of results) {
          const stats = (await (await fetch(`${lb.url}/v2/sessions/${r.id}/stats`, { headers: { 'x-agentops-api-key': key } })).json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
          expect(stats.events).toBe(EVENTS);
          expect(stats.event_counts).toEqual(r.counts);
          expect(stats.cost).toBe(r.cost.toFixed(6));
          expect(stats.end_state).toBe('Success');
          // The totals kept at ingest equal a count of the rows themselves: nothing was added twice.
          const rows = (await pool.query("SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE event_type = 'llms') AS llms FROM events WHERE session_id = $1", [r.id])).rows[0];
          expect([Number(rows.n), Number(rows.llms)]).toEqual([EVENTS, r.counts.llms]);
          total += stats.events;
        }
      }
      expect(total).toBe(APPS * SESSIONS * EVENTS);
      console.log(`replicas: ${total} events through the balancer (requests per replica ${lb.served.join(' / ')}, replica 1 killed after ${servedBeforeKill}, ${lb.failed.inFlight} requests in flight lost and retried by the SDK)`);
    } finally {
      await lb.close();
      await pool.end();
      for (const r of replicas) {
        r.child.kill('SIGTERM');
        await exited(r.child);
      }
    }
  }, 180_000);
});
