import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** True for a `postgres://` or `postgresql://` URL; anything else is a SQLite file path. */
export const isPostgresUrl = (db: string) => /^postgres(ql)?:\/\//i.test(db);

/**
 * The store a server runs on: PostgreSQL for a `postgres://user@host:port/db` URL (several replicas may share
 * it), else the SQLite file at that path (one server process per file).
 */
export async function openStore(db: string, options: { onMigration?: (name: string) => void } = {}): Promise<Store> {
  if (isPostgresUrl(db)) return PostgresStore.open(db, options);
  return new SqliteStore(db, { exclusive: true });
}
