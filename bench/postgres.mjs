// PostgreSQL for the benchmarks: one throwaway cluster (fsync on: the figures are for a durable database) and a new
// database in it per variant, so that every variant starts from the same empty state.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startCluster } from '../scripts/postgres-cluster.mjs';

export async function startPostgres() {
  const cluster = await startCluster({ durable: true });
  return {
    ...cluster,
    async database() {
      const name = `b_${randomBytes(5).toString('hex')}`;
      const client = new pg.Client(cluster.url);
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      const url = new URL(cluster.url);
      url.pathname = `/${name}`;
      return url.toString();
    },
  };
}
