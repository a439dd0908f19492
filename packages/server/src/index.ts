export { buildApp, type ServerOptions } from './app.js';
export { startServer, type StartedServer, type StartOptions } from './start.js';
export {
  hashApiKey,
  isPostgresUrl,
  openStore,
  PostgresStore,
  SqliteStore,
  type Overview,
  type PostgresStoreOptions,
  type SessionListItem,
  type SessionQuery,
  type Store,
  type StoredSession,
  type WriteBatch,
  type WriteOptions,
} from './store/index.js';
