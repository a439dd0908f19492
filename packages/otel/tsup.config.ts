import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { packageOptions } from '../../tsup.base';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
const BUNDLED = [/^@opentelemetry\/(core|sdk-trace|sdk-trace-base|sdk-trace-node|resources|semantic-conventions|context-async-hooks)(\/|$)/];
const define = { __AGENTOPS_SDK_VERSION__: JSON.stringify(version) };

export default defineConfig([
  // import.meta.url in the CommonJS build too: the exporter finds its exit worker next to itself.
  // The OpenTelemetry SDK pieces are bundled (tree-shaken into one file): loading dozens of small modules
  // was most of the preload's start-up time. @opentelemetry/api stays external: it must be one per process.
  packageOptions(['src/index.ts', 'src/export-worker.ts'], {
    shims: true,
    // Their types are inlined too: the package declares no dependency on them.
    dts: { resolve: true },
    define,
    noExternal: BUNDLED,
    // Their ES module builds, so the bundle imports @opentelemetry/api as ESM and CommonJS alike.
    esbuildOptions(options) {
      options.mainFields = ['module', 'main'];
    },
    // What is CommonJS only (context-async-hooks) keeps its require() calls: give the ESM build one.
    banner: (ctx) => (ctx.format === 'esm' ? { js: "import { createRequire as __agentopsCreateRequire } from 'node:module';\nconst require = __agentopsCreateRequire(import.meta.url);" } : {}),
  }),
  // The preloads load the package itself by name, so the app and the preload share one copy of the SDK.
  // CommonJS only: it requires the package when the app first needs it (deferred-start.ts).
  packageOptions(['src/register.ts'], { format: ['cjs'], dts: false, external: ['@agentops/otel'] }),
  // The ESM preload waits for the loader hook with top-level await: an ES module only.
  packageOptions(['src/register-esm.ts'], { format: ['esm'], dts: false, external: ['@agentops/otel'] }),
]);
