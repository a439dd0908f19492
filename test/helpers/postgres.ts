import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

const provided = () => inject('postgres');

/** True when a developer turned the PostgreSQL tests off (AGENTOPS_TEST_POSTGRES=off); never the case in CI. */
export const postgresOff = () => provided() === 'off';

/**
 * A new, empty database in the run's cluster, its URL. It is made with an ICU (en-US) default collation, so the
 * store is shown not to depend on the database's collation. Throws with the reason when PostgreSQL is missing.
 */
export async function freshDatabase(): Promise<string> {
  const admin = provided();
  if (admin.startsWith('error: ')) {
    throw new Error(`PostgreSQL tests cannot run: ${admin.slice(7)}. Set AGENTOPS_TEST_POSTGRES=off to skip them on a developer machine.`);
  }
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client(admin);
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The stores a contract runs on: SQLite always, PostgreSQL unless turned off. `describe.each` over this keeps
 * one body per behaviour.
 */
export const STORES: Array<'sqlite' | 'postgres'> = postgresOff() ? ['sqlite'] : ['sqlite', 'postgres'];
