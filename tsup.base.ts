import { defineConfig, type Options } from 'tsup';

// esbuild's CommonJS exports are getters that call getters (live bindings); another package reading an export on
// every LLM call paid two calls each time. Our exports are never reassigned, so they become plain properties.
const CJS_PLAIN_EXPORTS =
  ';(function(e){var o={};for(var k in e)o[k]=e[k];Object.defineProperty(o,"__esModule",{value:true});module.exports=o})(module.exports);';

/** The build recipe every package shares: ESM + CommonJS + type declarations for Node 20. */
export function packageOptions(entry: string[], overrides: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: false, // the build script empties dist first: parallel configs must not clean each other's output
    target: 'node20',
    splitting: false,
    footer: ({ format }) => (format === 'cjs' ? { js: CJS_PLAIN_EXPORTS } : undefined),
    ...overrides,
  };
}

export function packageConfig(entry: string[], overrides: Options = {}) {
  return defineConfig(packageOptions(entry, overrides));
}
