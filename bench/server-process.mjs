// Starts the server CLI in a child process (so the benchmark process measures only itself).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const cli = path.join(path.dirname(createRequire(import.meta.url).resolve('@agentops/server/package.json')), 'dist', 'cli.js');

/** `db`: a SQLite file (default: a new one in a temp folder) or a postgres:// URL; `apiKey`: registered for it. */
export async function spawnServer({ db: given, apiKey = randomUUID() } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'agentops-bench-'));
  const db = given ?? path.join(dir, 'agentops.db');
  const child = spawn(process.execPath, [cli, '--port', '0', '--db', db, '--api-key', apiKey], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return {
    url,
    apiKey,
    db,
    dir,
    pid: child.pid,
    stop: () => child.kill('SIGKILL'),
    stats: async (id) => (await fetch(`${url}/v2/sessions/${id}/stats`, { headers: { 'x-agentops-api-key': apiKey } })).json(),
  };
}
