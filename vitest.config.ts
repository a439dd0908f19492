import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One throwaway PostgreSQL cluster for the run (the PostgreSQL store's tests make their databases in it).
    globalSetup: ['test/helpers/postgres-setup.ts'],
    // Tests start child processes and servers: two cores, so keep parallelism modest.
    maxWorkers: 2,
  },
});
