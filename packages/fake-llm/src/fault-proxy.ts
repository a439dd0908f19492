import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'pass' | 'refuse' | 'reset' | 'hang' | 'status' | 'slow';

/**
 * A loopback HTTP proxy in front of the real server that can misbehave: stop listening (connection
 * refused), reset connections, hang without answering, or answer a status (503 with Retry-After...).
 */
export async function startFaultProxy(target: string) {
  let mode: ProxyMode = 'pass';
  let status = 503;
  let headers: Record<string, string> = {};
  let remainingFaults = Infinity;
  let delayMs = 0;
  const seen: Array<{ method: string; url: string; status: number | 'reset' | 'hang' }> = [];
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const faulty = mode !== 'pass' && remainingFaults > 0;
      if (faulty) remainingFaults--;
      if (faulty && mode === 'reset') {
        seen.push({ method: req.method!, url: req.url!, status: 'reset' });
        req.socket.destroy();
        return;
      }
      if (faulty && mode === 'hang') {
        seen.push({ method: req.method!, url: req.url!, status: 'hang' });
        hanging.add(res);
        return;
      }
      if (faulty && mode === 'slow') await new Promise((r) => setTimeout(r, delayMs));
      if (faulty && mode === 'status') {
        seen.push({ method: req.method!, url: req.url!, status });
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify({ path: req.url, message: `proxy says ${status}` }));
        return;
      }
      try {
        const upstream = await fetch(target + req.url, {
          method: req.method,
          headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>,
          body: req.method === 'GET' ? undefined : Buffer.concat(chunks),
        });
        const body = Buffer.from(await upstream.arrayBuffer());
        seen.push({ method: req.method!, url: req.url!, status: upstream.status });
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(body);
      } catch {
        req.socket.destroy();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    /** Misbehave as `m` for the next `count` requests (all, by default), then pass through. */
    set(m: ProxyMode, opts: { count?: number; status?: number; headers?: Record<string, string>; delayMs?: number } = {}) {
      mode = m;
      remainingFaults = opts.count ?? Infinity;
      status = opts.status ?? 503;
      headers = opts.headers ?? {};
      delayMs = opts.delayMs ?? 2000;
    },
    /** Stops listening: connections are refused until `up()`. */
    async down() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
    async up() {
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    },
    async close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
