// A throwaway PostgreSQL cluster for the tests and benchmarks: initdb in a temp folder, started by pg_ctl on a free
// 127.0.0.1 port (no other interface; its socket in the same folder), removed by stop(). Durability settings are
// off: the tests kill servers, not the machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postgresBinDir } from './postgres-bin.mjs';

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** initdb refuses root: as root, the cluster runs as Debian's `postgres` user. */
function clusterUser() {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Starts a cluster; resolves with its admin URL (user `agentops`, database `postgres`, trust on loopback). */
export async function startCluster({ durable = false } = {}) {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (no initdb on PATH or under /usr/lib/postgresql): apt-get install -y postgresql');
  const dir = mkdtempSync(path.join(tmpdir(), 'agentops-pg-'));
  const user = clusterUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const run = (program, args) => {
    const r = spawnSync(path.join(bin, program), args, { encoding: 'utf8', ...(user ?? {}), cwd: dir });
    if (r.status !== 0) throw new Error(`${program} failed (${r.status}): ${r.stderr || r.stdout || r.error?.message}`);
  };
  run('initdb', ['-D', data, '-U', 'agentops', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const port = await freePort();
  const fast = durable ? '' : ' -c fsync=off -c full_page_writes=off';
  run('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200${fast}`, 'start']);
  return {
    url: `postgres://agentops@127.0.0.1:${port}/postgres`,
    stop() {
      spawnSync(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], { ...(user ?? {}), cwd: dir });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
