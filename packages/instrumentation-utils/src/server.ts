import type { Attributes } from '@opentelemetry/api';

// Clients keep their base URL for their lifetime: parse each one once.
const servers = new Map<string, Attributes>();

/** `server.address` / `server.port` of a client's base URL. */
export function serverAttributes(baseURL: unknown): Attributes {
  if (typeof baseURL !== 'string') return {};
  let attrs = servers.get(baseURL);
  if (!attrs) {
    try {
      const u = new URL(baseURL);
      attrs = { 'server.address': u.hostname, 'server.port': Number(u.port) || (u.protocol === 'https:' ? 443 : 80) };
    } catch {
      attrs = {};
    }
    if (servers.size < 100) servers.set(baseURL, attrs);
  }
  return attrs;
}

