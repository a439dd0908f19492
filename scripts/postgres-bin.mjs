// Where PostgreSQL's server programs (initdb, pg_ctl) are: on PATH, else Debian's /usr/lib/postgresql/<version>/bin
// (the newest). Shared by the install check and the tests' throwaway cluster.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export function postgresBinDir() {
  try {
    const initdb = execFileSync('/bin/sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    if (initdb) return path.dirname(initdb);
  } catch {
    // not on PATH
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : undefined;
}
