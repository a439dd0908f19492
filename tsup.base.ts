import { defineConfig, type Options } from 'tsup';

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
    ...overrides,
  };
}

export function packageConfig(entry: string[], overrides: Options = {}) {
  return defineConfig(packageOptions(entry, overrides));
}
