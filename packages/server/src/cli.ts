#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isUuid } from '@agentops/model';
import { startServer } from './start.js';

const USAGE = `Usage: agentops-server [--port N] [--host 127.0.0.1] [--db FILE] [--api-key UUID[=PROJECT]]... [--body-limit BYTES] [--jwt-ttl SECONDS]
  --port       default 8710; 0 picks any free port
  --host       default 127.0.0.1
  --db         a SQLite file (default .agentops/agentops.db; one server per file), or a PostgreSQL URL
               postgres://user:password@host:5432/db (any number of replicas); default $AGENTOPS_DATABASE_URL
  --api-key    register an API key (a UUID) for a project (default project "default"); repeatable
  --body-limit largest request body in bytes, default 16777216
  --jwt-ttl    lifetime of session tokens in seconds, default 86400`;

function fail(message: string): never {
  process.stderr.write(`agentops-server: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function int(v: string | undefined, name: string, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) fail(`${name} must be a whole number >= ${min}, got "${v}"`);
  return n;
}

let args;
try {
  args = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      'body-limit': { type: 'string' },
      'jwt-ttl': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
} catch (e) {
  fail((e as Error).message);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const apiKeys = args['api-key'] ?? [];
for (const spec of apiKeys) {
  const [key, project] = spec.split('=');
  if (!isUuid(key)) fail(`--api-key must be a UUID (optionally =PROJECT), got "${spec}"`);
  if (project === '') fail(`--api-key ${spec}: the project name after "=" is empty`);
}
const port = int(args.port, '--port', 8710, 0);
if (port > 65535) fail(`--port must be at most 65535, got ${port}`);

try {
  // Printed after the listening line, which stays the first line on stdout (SPEC §5).
  const migrations: string[] = [];
  const server = await startServer({
    host: args.host ?? '127.0.0.1',
    port,
    db: args.db ?? (process.env.AGENTOPS_DATABASE_URL || '.agentops/agentops.db'),
    onMigration: (name) => migrations.push(name),
    apiKeys,
    bodyLimit: int(args['body-limit'], '--body-limit', 16 * 1024 * 1024, 1),
    jwtTtlSeconds: int(args['jwt-ttl'], '--jwt-ttl', 86400, 1),
  });
  process.stdout.write(`AgentOps server listening on ${server.url}\n`);
  for (const name of migrations) process.stdout.write(`Applied migration ${name}\n`);
  if (server.createdApiKey) process.stdout.write(`Created project "default" with API key ${server.createdApiKey}\n`);
  const stop = () => {
    void server.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (e) {
  const err = e as NodeJS.ErrnoException;
  fail(err.code === 'EADDRINUSE' ? `port ${port} is already in use` : err.message);
}
