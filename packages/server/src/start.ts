import { randomUUID } from 'node:crypto';
import { buildApp, type ServerOptions } from './app.js';

export interface StartOptions extends ServerOptions {
  host?: string;
  /** 0 picks any free port. Default 8710. */
  port?: number;
  /** API keys to register: `UUID` or `UUID=PROJECT`. */
  apiKeys?: string[];
}

export interface StartedServer {
  url: string;
  port: number;
  /** Set when the store was empty and no key was given: the key of the project created. */
  createdApiKey?: string;
  close(): Promise<void>;
}

/** Starts the server; resolves once it listens. */
export async function startServer(options: StartOptions): Promise<StartedServer> {
  const { app, store } = await buildApp(options);
  let createdApiKey: string | undefined;
  try {
    for (const spec of options.apiKeys ?? []) {
      const [key, project = 'default'] = spec.split('=');
      await store.addApiKey(key, project);
    }
    if ((await store.projectCount()) === 0) {
      createdApiKey = randomUUID();
      await store.addApiKey(createdApiKey, 'default');
    }
  } catch (e) {
    await app.close();
    throw e;
  }
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 8710 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8710);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${port}`, port, createdApiKey, close: () => app.close() };
}
