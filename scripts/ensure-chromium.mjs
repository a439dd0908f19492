// The dashboard tests drive Debian's Chromium (/usr/bin/chromium). Installs it when it is missing and we may
// (root with apt-get, as on these machines); otherwise says what to do. Browsers are never downloaded from
// anywhere else.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canApt) {
    console.error(`The dashboard tests need ${CHROMIUM}: install Debian's chromium package (apt-get install -y chromium).`);
    process.exit(1);
  }
  console.error('Installing Debian chromium for the dashboard tests…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit', shell: '/bin/bash' });
}
