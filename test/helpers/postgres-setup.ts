import type { TestProject } from 'vitest/node';
import { startCluster } from '../../scripts/postgres-cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The admin URL of the run's PostgreSQL cluster, or why there is none (`error: …`, `off`). */
    postgres: string;
  }
}

/** One throwaway PostgreSQL cluster for the whole run; each test file makes its own databases in it. */
export default async function setup(project: TestProject) {
  if (process.env.AGENTOPS_TEST_POSTGRES === 'off') {
    project.provide('postgres', 'off');
    return;
  }
  try {
    const cluster = await startCluster();
    project.provide('postgres', cluster.url);
    return () => cluster.stop();
  } catch (e) {
    project.provide('postgres', `error: ${(e as Error).message}`);
  }
}
