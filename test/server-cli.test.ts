import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exited, spawnServer } from './helpers/server-process.js';
import { freshDatabase, postgresOff } from './helpers/postgres.js';

const tmpDb = () => path.join(mkdtempSync(path.join(tmpdir(), 'agentops-cli-')), 'nested', 'agentops.db');

describe('agentops-server CLI', () => {
  it('prints the listening line first, creates the store, and a project key when none is given', async () => {
    const db = tmpDb();
    const { child, url, stdout } = await spawnServer(['--port', '0', '--db', db]);
    expect(stdout().split('\n')[0]).toBe(`AgentOps server listening on ${url}`);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await new Promise((r) => setTimeout(r, 100));
    const key = /API key ([0-9a-f-]{36})/.exec(stdout())?.[1];
    expect(key).toBeDefined();
    expect(existsSync(db)).toBe(true);
    const res = await fetch(`${url}/v2/sessions`, { headers: { 'x-agentops-api-key': key! } });
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    await exited(child);
  });

  it('rejects bad arguments with a clear message and exit code 2', async () => {
    await expect(spawnServer(['--api-key', 'nope'])).rejects.toThrow(/--api-key must be a UUID/);
    await expect(spawnServer(['--port', 'abc'])).rejects.toThrow(/--port must be a whole number/);
  });
});

describe('durability', () => {
  it('everything acknowledged survives a kill -9 during ingest and a restart', async () => {
    const db = tmpDb();
    const key = randomUUID();
    const first = await spawnServer(['--port', '0', '--db', db, '--api-key', key]);
    const sessionId = randomUUID();
    const created = await (
      await fetch(`${first.url}/v2/create_session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-agentops-api-key': key },
        body: JSON.stringify({ session: { session_id: sessionId, init_timestamp: new Date().toISOString() } }),
      })
    ).json() as { jwt: string };
    const acknowledged: string[] = [];
    const sender = (async () => {
      for (let batch = 0; ; batch++) {
        const events = Array.from({ length: 200 }, (_, i) => ({
          id: `e-${batch}-${i}`,
          event_type: 'actions',
          init_timestamp: new Date().toISOString(),
          action_type: 'x',
          params: { payload: 'y'.repeat(200) },
        }));
        try {
          const res = await fetch(`${first.url}/v2/create_events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${created.jwt}` },
            body: JSON.stringify({ events }),
          });
          if (res.status !== 200) return;
          acknowledged.push(...events.map((e) => e.id));
        } catch {
          return; // the server died mid-request: that batch was never acknowledged
        }
      }
    })();
    while (acknowledged.length < 4000) await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGKILL');
    await sender;
    await exited(first.child);

    const second = await spawnServer(['--port', '0', '--db', db]);
    const exp = await (await fetch(`${second.url}/v2/sessions/${sessionId}/export`, { headers: { 'x-agentops-api-key': key } })).json() as { actions: Array<{ id: string }> };
    const stored = new Set(exp.actions.map((e: { id: string }) => e.id));
    expect(acknowledged.length).toBeGreaterThanOrEqual(4000);
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    second.child.kill('SIGTERM');
    await exited(second.child);
  });
});

describe.skipIf(postgresOff())('agentops-server CLI on PostgreSQL', () => {
  it('takes AGENTOPS_DATABASE_URL; the listening line stays first, the migrations applied follow; a restart applies none', async () => {
    const url = await freshDatabase();
    const key = randomUUID();
    const env = { ...process.env, AGENTOPS_DATABASE_URL: url };
    const first = await spawnServer(['--port', '0', '--api-key', key], process.execPath, env);
    await new Promise((r) => setTimeout(r, 300));
    first.child.kill('SIGTERM');
    await exited(first.child);
    expect(first.stdout().split('\n').slice(0, 2)).toEqual([`AgentOps server listening on ${first.url}`, 'Applied migration 0001_initial']);
    const again = await spawnServer(['--port', '0'], process.execPath, env);
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(again.stdout()).not.toMatch(/Applied migration/);
      // The key registered by the first start is in the database, so the second one made none.
      expect(again.stdout()).not.toMatch(/Created project/);
      expect((await fetch(`${again.url}/v2/sessions`, { headers: { 'x-agentops-api-key': key } })).status).toBe(200);
    } finally {
      again.child.kill('SIGTERM');
      await exited(again.child);
    }
  });

  it('a database that cannot be reached is a clear error at start, exit code 2', async () => {
    const dead = `postgres://agentops@127.0.0.1:1/none`;
    await expect(spawnServer(['--port', '0', '--db', dead])).rejects.toThrow(/server exited 2: agentops-server: .*ECONNREFUSED/);
  });
});
