import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type StartedServer } from '@agentops/server';

/** A real @agentops/server on a free loopback port with a fresh SQLite file and one project key. */
export async function startTestServer(options: { jwtTtlSeconds?: number; db?: string; apiKey?: string; port?: number; project?: string } = {}) {
  const apiKey = options.apiKey ?? randomUUID();
  const db = options.db ?? path.join(mkdtempSync(path.join(tmpdir(), 'agentops-e2e-')), 'agentops.db');
  const server: StartedServer = await startServer({ port: options.port ?? 0, db, apiKeys: [`${apiKey}=${options.project ?? 'e2e'}`], jwtTtlSeconds: options.jwtTtlSeconds });
  const get = async (p: string) => {
    const res = await fetch(server.url + p, { headers: { 'x-agentops-api-key': apiKey } });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  return {
    ...server,
    apiKey,
    db,
    get,
    stats: async (id: string) => (await get(`/v2/sessions/${id}/stats`)).body,
    export: async (id: string) => (await get(`/v2/sessions/${id}/export`)).body,
  };
}

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** Polls `check` until it returns a truthy value or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
