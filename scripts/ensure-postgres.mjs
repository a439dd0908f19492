// The PostgreSQL store's tests run a throwaway cluster (initdb + pg_ctl in a temp folder, loopback only).
// Installs Debian's postgresql package when the programs are missing and we may (root with apt-get, as on these
// machines); otherwise says what to do. AGENTOPS_TEST_POSTGRES=off skips those tests on a developer's machine.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { postgresBinDir } from './postgres-bin.mjs';

if (process.env.AGENTOPS_TEST_POSTGRES !== 'off' && !postgresBinDir()) {
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canApt) {
    console.error(
      'The PostgreSQL store tests need PostgreSQL (initdb, pg_ctl): install it (apt-get install -y postgresql), or set AGENTOPS_TEST_POSTGRES=off to skip them.',
    );
    process.exit(1);
  }
  console.error('Installing Debian postgresql for the PostgreSQL store tests…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql', { stdio: 'inherit', shell: '/bin/bash' });
}
