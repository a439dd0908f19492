import type { Attributes } from '@opentelemetry/api';

interface Server {
  address: string;
  port: number;
}

// Clients keep their base URL for their lifetime: parse each one once.
const servers = new Map<string, Server | null>();

/** Adds `server.address` / `server.port` of a client's base URL to `attrs`. */
export function addServerAttributes(attrs: Attributes, baseURL: unknown): void {
  if (typeof baseURL !== 'string') return;
  let server = servers.get(baseURL);
  if (server === undefined) {
    try {
      const u = new URL(baseURL);
      server = { address: u.hostname, port: Number(u.port) || (u.protocol === 'https:' ? 443 : 80) };
    } catch {
      server = null;
    }
    if (servers.size < 100) servers.set(baseURL, server);
  }
  if (server) {
    attrs['server.address'] = server.address;
    attrs['server.port'] = server.port;
  }
}
