import { defineConfig, type Options } from 'tsup';

/** One build recipe for every package: ESM + CommonJS + type declarations for Node 20. */
export function packageConfig(entry: string[], overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: false,
    ...overrides,
  });
}
