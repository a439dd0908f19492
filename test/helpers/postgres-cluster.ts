import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @ts-expect-error a plain .mjs script shared with the install check
import { postgresBinDir } from '../../scripts/postgres-bin.mjs';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** The uid/gid the cluster runs as: initdb refuses root, so as root it is Debian's `postgres` user. */
function clusterUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export interface Cluster {
  /** An admin URL (database `postgres`, trust auth on loopback). */
  url: string;
  stop(): void;
}

/**
 * A throwaway PostgreSQL cluster: initdb in a temp folder, started by pg_ctl on a free 127.0.0.1 port (no
 * other interface, its socket in the same folder), removed by `stop`. Durability settings are off: the tests
 * kill servers, not the machine.
 */
export async function startCluster(): Promise<Cluster> {
  const bin = postgresBinDir() as string | undefined;
  if (!bin) throw new Error('PostgreSQL is not installed (no initdb on PATH or under /usr/lib/postgresql): apt-get install -y postgresql');
  const dir = mkdtempSync(path.join(tmpdir(), 'agentops-pg-'));
  const user = clusterUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const run = (program: string, args: string[]) => {
    const r = spawnSync(path.join(bin, program), args, { encoding: 'utf8', ...(user ?? {}), cwd: dir });
    if (r.status !== 0) throw new Error(`${program} failed (${r.status}): ${r.stderr || r.stdout || r.error?.message}`);
  };
  run('initdb', ['-D', data, '-U', 'agentops', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
  run('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60', '-o', options, 'start']);
  return {
    url: `postgres://agentops@127.0.0.1:${port}/postgres`,
    stop() {
      spawnSync(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], { ...(user ?? {}), cwd: dir });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
