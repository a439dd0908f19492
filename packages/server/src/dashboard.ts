import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where the built dashboard is (the @agentops/dashboard package's dist/); undefined if it is not built. */
function dashboardDir(): string | undefined {
  try {
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('@agentops/dashboard/package.json')), 'dist');
    return existsSync(path.join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

const ASSETS: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'app.css': 'text/css; charset=utf-8' };

// Scripts only from this server: even a bug in escaping could not run injected code.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Serves the dashboard: its page at `/`, `/sessions`, `/sessions/:id` and `/overview` (the app routes by path, so
 * the session URLs the SDK prints open the session), its two bundled files under `/assets/`. Files are read
 * once; nothing else of the disk is reachable.
 */
export function registerDashboard(app: FastifyInstance): void {
  const dir = dashboardDir();
  const files = new Map<string, Buffer>();
  if (dir) {
    files.set('index.html', readFileSync(path.join(dir, 'index.html')));
    for (const name of Object.keys(ASSETS)) files.set(name, readFileSync(path.join(dir, name)));
  }
  const page = async (_req: unknown, reply: FastifyReply) => {
    const html = files.get('index.html');
    if (!html) return reply.code(503).send({ path: '/', message: 'The dashboard is not built (run the build first)' });
    return reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', CSP).header('cache-control', 'no-cache').send(html);
  };
  for (const route of ['/', '/sessions', '/sessions/:id', '/overview']) app.get(route, page);
  app.get('/assets/:file', async (request, reply) => {
    const name = (request.params as { file: string }).file;
    const body = files.get(name);
    if (!body || !ASSETS[name]) return reply.code(404).send({ path: request.url, message: `No asset ${name}` });
    return reply.header('content-type', ASSETS[name]).header('cache-control', 'no-cache').send(body);
  });
}
