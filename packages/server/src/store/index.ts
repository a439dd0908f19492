export type { Overview, SessionListItem, SessionQuery, Store, StoredSession, WriteBatch, WriteOptions } from './store.js';
export { SqliteStore } from './sqlite.js';
export { PostgresStore, type PostgresStoreOptions } from './postgres.js';
export { isPostgresUrl, openStore } from './open.js';
export { hashApiKey, type ExportOptions } from './rows.js';
