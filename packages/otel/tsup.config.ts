import { readFileSync } from 'node:fs';
import { packageConfig } from '../../tsup.base';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default packageConfig(['src/index.ts', 'src/export-worker.ts'], {
  // import.meta.url in the CommonJS build too: the exporter finds its exit worker next to itself.
  shims: true,
  define: { __AGENTOPS_SDK_VERSION__: JSON.stringify(version) },
});
