// The main job (`pnpm start`): the local AgentOps server on its default port and store, a project key made
// once and kept in .agentops/local-api-key, the demo agent (`examples/tour`: two agents, a tool call, an action,
// an error, a streamed call with usage; the real openai client, an offline fake model unless OPENAI_API_KEY is
// set) run against it with `--require @agentops/otel/register`, its
// session's URL and stats read back from the REST API, and the server kept serving until Ctrl+C.
// AGENTOPS_SERVER_PORT and AGENTOPS_SERVER_DB override the port (0 = any free) and the store.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = process.env.AGENTOPS_SERVER_PORT ?? '8710';
const db = process.env.AGENTOPS_SERVER_DB ?? path.join(root, '.agentops', 'agentops.db');
const keyFile = path.join(path.dirname(db), 'local-api-key');

mkdirSync(path.dirname(keyFile), { recursive: true });
if (!existsSync(keyFile)) writeFileSync(keyFile, `${randomUUID()}\n`, { mode: 0o600 });
const apiKey = readFileSync(keyFile, 'utf8').trim();

const server = spawn(process.execPath, [path.join(root, 'packages/server/dist/cli.js'), '--port', port, '--db', db, '--api-key', `${apiKey}=local`], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stop = (code) => {
  server.kill('SIGTERM');
  process.exit(code);
};
server.on('exit', (code) => {
  console.error(`The AgentOps server stopped (exit code ${code}).`);
  process.exit(code || 1);
});
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const url = await new Promise((resolve) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = /AgentOps server listening on (\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
});
console.log(`AgentOps server listening on ${url} (store ${path.relative(process.cwd(), db) || db})`);

const demo = spawn(process.execPath, ['--require', '@agentops/otel/register', 'index.cjs'], {
  cwd: path.join(root, 'examples', 'tour'),
  env: { ...process.env, AGENTOPS_API_KEY: apiKey, AGENTOPS_API_ENDPOINT: url, AGENTOPS_DEFAULT_TAGS: 'demo', AGENTOPS_STREAM_USAGE: 'true' },
  stdio: ['ignore', 'inherit', 'pipe'],
});
let demoErr = '';
demo.stderr.on('data', (d) => {
  demoErr += d;
  process.stderr.write(d);
});
const demoCode = await new Promise((r) => demo.on('exit', r));
const sessionId = /session ([0-9a-f-]{36}) started/.exec(demoErr)?.[1];
if (demoCode !== 0 || !sessionId) {
  console.error('The demo agent failed.');
  stop(1);
}

const res = await fetch(`${url}/v2/sessions/${sessionId}/stats`, { headers: { 'x-agentops-api-key': apiKey } });
console.log(`\nSession ${sessionId} as the server has it (GET /v2/sessions/${sessionId}/stats):`);
console.log(JSON.stringify(await res.json(), null, 2));
console.log(`\nDashboard (signed in to the local project): ${url}/#key=${apiKey}`);
console.log(`Session page: ${url}/sessions/${sessionId}`);
console.log(`API key of the local project: ${apiKey} (kept in ${path.relative(process.cwd(), keyFile) || keyFile})`);
console.log(`Serving on ${url}; press Ctrl+C to stop.`);
