import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A round-robin HTTP load balancer in front of server replicas, as nginx does it by default: a replica that
 * refuses the connection is skipped for the next one; a replica that dies with the request in flight costs that
 * request a 502 (a POST is not sent twice by the balancer; the client retries it).
 */
export async function startLoadBalancer(upstreams: string[]) {
  const agents = upstreams.map(() => new http.Agent({ keepAlive: true, maxSockets: 64 }));
  const served = upstreams.map(() => 0);
  const failed = { inFlight: 0 };
  let next = 0;
  const forward = (i: number, req: http.IncomingMessage, body: Buffer) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const url = new URL(req.url ?? '/', upstreams[i]);
      const out = http.request(url, { method: req.method, headers: { ...req.headers, host: url.host }, agent: agents[i] }, resolve);
      out.on('error', reject);
      out.end(body);
    });
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const first = next++ % upstreams.length;
    for (let k = 0; k < upstreams.length; k++) {
      const i = (first + k) % upstreams.length;
      let upstream: http.IncomingMessage;
      try {
        upstream = await forward(i, req, body);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ECONNREFUSED') continue; // never reached it: the next one
        failed.inFlight++;
        res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, message: 'upstream failed' }));
        return;
      }
      served[i]++;
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      upstream.pipe(res);
      upstream.on('error', () => res.destroy());
      return;
    }
    res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, message: 'no replica up' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Requests each replica answered. */
    served,
    /** Requests answered 502 because their replica died with them in flight. */
    failed,
    close: () =>
      new Promise<void>((r) => {
        for (const a of agents) a.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
