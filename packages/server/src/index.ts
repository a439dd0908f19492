export { buildApp, type ServerOptions } from './app.js';
export { startServer, type StartedServer, type StartOptions } from './start.js';
export { Store, hashApiKey } from './store.js';
