import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { packageOptions } from '../../tsup.base';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
const define = { __AGENTOPS_SDK_VERSION__: JSON.stringify(version) };

export default defineConfig([
  // import.meta.url in the CommonJS build too: the exporter finds its exit worker next to itself.
  packageOptions(['src/index.ts', 'src/export-worker.ts'], { shims: true, define }),
  // The preloads load the package itself by name, so the app and the preload share one copy of the SDK.
  packageOptions(['src/register.ts'], { dts: false, external: ['@agentops/otel'] }),
  // The ESM preload waits for the loader hook with top-level await: an ES module only.
  packageOptions(['src/register-esm.ts'], { format: ['esm'], dts: false, external: ['@agentops/otel'] }),
]);
