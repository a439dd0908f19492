// Starts the server CLI in a child process (so the benchmark process measures only itself).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

// USER_HZ: what /proc counts CPU time in, 100 on every Linux Node runs on.
const CLOCK_TICKS = 100;
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
    metrics: async () => (await fetch(`${url}/v2/server/metrics`, { headers: { 'x-agentops-api-key': apiKey } })).json(),
    /** CPU time the server process has used so far (user + system), ms; Linux only. */
    cpuMs: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    },
  };
}
