import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exited, spawnServer } from './helpers/server-process.js';
import { freshDatabase, STORES } from './helpers/postgres.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe.each(STORES)('the server on the %s store killed with SIGKILL mid-ingest and restarted', (kind) => {
  it('loses nothing it acknowledged; the SDK resends the rest; nothing is counted twice', async () => {
    const key = randomUUID();
    const db = kind === 'sqlite' ? path.join(mkdtempSync(path.join(tmpdir(), 'agentops-kill-')), 'agentops.db') : await freshDatabase();
    const port = String(await freePort());
    let server = await spawnServer(['--port', port, '--db', db, '--api-key', key]);
    const N = 3000;
    const app = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'steady-app.mjs'), String(N)], {
      env: { ...process.env, AGENTOPS_API_KEY: key, AGENTOPS_API_ENDPOINT: server.url },
    });
    let out = '';
    app.stdout.on('data', (d) => (out += d));
    const appDone = new Promise<number | null>((r) => app.on('exit', r));

    await new Promise((r) => setTimeout(r, 600)); // ingest under way
    server.child.kill('SIGKILL');
    await exited(server.child);
    await new Promise((r) => setTimeout(r, 800)); // down for a while: the SDK retries
    server = await spawnServer(['--port', port, '--db', db]);
    try {
      expect(await appDone).toBe(0);
      const { id, cost, dropped } = JSON.parse(out.trim().split('\n').pop()!);
      expect(dropped).toBe(0);
      const stats = (await (await fetch(`${server.url}/v2/sessions/${id}/stats`, { headers: { 'x-agentops-api-key': key } })).json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(stats.events).toBe(N);
      expect(stats.event_counts.actions).toBe(N);
      expect(stats.end_state).toBe('Success');
      expect(cost).toBe(stats.cost);
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  });
});
