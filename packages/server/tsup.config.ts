import { defineConfig } from 'tsup';
import { packageOptions } from '../../tsup.base';

export default defineConfig([
  // jose is ESM-only; bundling it keeps the CommonJS build loadable on every Node >= 20.6.
  packageOptions(['src/index.ts'], { noExternal: ['jose'], shims: true }),
  // The OTLP decoding thread, loaded by file name next to the server's code.
  packageOptions(['src/otlp-worker.ts'], { format: ['esm'], dts: false }),
  // The CLI is an ES module only (top-level await): `node packages/server/dist/cli.js`.
  packageOptions(['src/cli.ts'], { format: ['esm'], dts: false }),
]);
