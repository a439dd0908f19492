import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { startFakeLlm, type FakeLlmServer, type FakeRequest } from '@agentops/fake-llm';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnServer, exited } from '../helpers/server-process.js';
import { startTestServer } from '../helpers/server.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- exports are JSON */

const require = createRequire(import.meta.url);
type CalcPrice = typeof import('@pydantic/genai-prices').calcPrice;
const { calcPrice } = require('@pydantic/genai-prices') as { calcPrice: CalcPrice };

export const APPS = path.join(__dirname, '..', 'apps');

/** Whether this run is the Node 24 one (the newest framework versions that need Node 22+). */
export const NODE24 = (process.env.AGENTOPS_TEST_MATRIX ?? (Number(process.versions.node.split('.')[0]) >= 22 ? 'node24' : 'node20')) === 'node24';

/** What the framework tests need of the AgentOps server. */
interface FrameworkServer {
  url: string;
  apiKey: string;
  export(id: string): Promise<Record<string, any>>;
  close(): Promise<void>;
}

/**
 * The real AgentOps server: in this process on Node 20; in the Node 24 run (whose native SQLite module is built
 * for Node 20) its CLI as a child process on the Node 20 that `test:node24` names in AGENTOPS_SERVER_NODE.
 */
async function startServer(): Promise<FrameworkServer> {
  if (!NODE24) return startTestServer();
  const node = process.env.AGENTOPS_SERVER_NODE;
  if (!node) throw new Error('AGENTOPS_SERVER_NODE (the Node 20 binary the server runs on) is not set: run these tests with `pnpm test:node24`');
  const apiKey = randomUUID();
  const db = path.join(mkdtempSync(path.join(tmpdir(), 'agentops-fw-')), 'agentops.db');
  const { child, url } = await spawnServer(['--port', '0', '--db', db, '--api-key', `${apiKey}=frameworks`], node);
  return {
    url,
    apiKey,
    export: async (id) => (await (await fetch(`${url}/v2/sessions/${id}/export`, { headers: { 'x-agentops-api-key': apiKey } })).json()) as Record<string, any>,
    close: async () => {
      child.kill();
      await exited(child);
    },
  };
}

/** A real AgentOps server and the fake model server, shared by a test file; the fake's log is cleared per test. */
export function frameworkSuite() {
  let server: FrameworkServer | undefined;
  let fake: FakeLlmServer | undefined;
  beforeAll(async () => {
    server = await startServer();
    fake = await startFakeLlm({ chunks: 4 });
  });
  afterAll(async () => {
    await fake?.close();
    await server?.close();
  });
  beforeEach(() => {
    if (fake) fake.requests.length = 0;
  });
  const need = <T>(v: T | undefined, what: string): T => {
    if (!v) throw new Error(`${what} is not started yet (use it inside a test)`);
    return v;
  };
  return {
    get server(): FrameworkServer {
      return need(server, 'the AgentOps server');
    },
    get fake(): FakeLlmServer {
      return need(fake, 'the fake model server');
    },
    /** Runs an app in a child process with the AgentOps server and fake model server in its environment. */
    run(cwd: string, args: string[], env: Record<string, string> = {}) {
      const s = need(server, 'the AgentOps server');
      const f = need(fake, 'the fake model server');
      // The app runs on the Node of this run (24 in the Node 24 run).
      return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, args, {
          cwd,
          env: {
            ...process.env,
            AGENTOPS_API_KEY: s.apiKey,
            AGENTOPS_API_ENDPOINT: s.url,
            FAKE_URL: f.url,
            OPENAI_API_KEY: 'sk-fake',
            OPENAI_BASE_URL: f.openaiBaseURL,
            ANTHROPIC_API_KEY: '',
            NODE_OPTIONS: '',
            // As an app runs (the Agents SDK turns its tracing off under NODE_ENV=test, which vitest sets).
            NODE_ENV: 'production',
            ...env,
          },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
    },
  };
}

/** The AgentOps session the child's output names (the preload's automatic one, or an app's). */
export function sessionIdOf(stderr: string): string {
  const m = /session ([0-9a-f-]{36})/.exec(stderr);
  if (!m) throw new Error(`no session id in the app's output:\n${stderr}`);
  return m[1];
}

/** The `RESULT <json>` line an app printed. */
export function resultOf(stdout: string): Record<string, any> {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no RESULT line in:\n${stdout}`);
  return JSON.parse(line.slice('RESULT '.length));
}

/**
 * What an LLM event must carry for one request the fake answered, in the GenAI convention (input tokens with
 * their cache tokens): tokens from the API's own usage object, and the price `@pydantic/genai-prices` gives.
 */
export function expectedFromWire(req: FakeRequest, providerId: string, model: string, options: { cacheReadReported?: boolean } = {}) {
  const u = req.usage as Record<string, any> | undefined;
  // An answer without usage (a stream that did not ask for it): no tokens, no price.
  if (!u) return { prompt_tokens: null, completion_tokens: null, cache_read_tokens: 0, cache_creation_tokens: 0, cost: undefined };
  let input: number;
  let output: number | null;
  let cacheRead = 0;
  let cacheWrite = 0;
  if ('input_tokens' in u && 'cache_read_input_tokens' in u) {
    // Anthropic: input_tokens excludes the cache.
    cacheRead = u.cache_read_input_tokens;
    cacheWrite = u.cache_creation_input_tokens;
    input = u.input_tokens + cacheRead + cacheWrite;
    output = u.output_tokens;
  } else if ('input_tokens' in u) {
    input = u.input_tokens;
    output = u.output_tokens;
    cacheRead = u.input_tokens_details?.cached_tokens ?? 0;
  } else {
    input = u.prompt_tokens;
    output = u.completion_tokens ?? null;
    cacheRead = u.prompt_tokens_details?.cached_tokens ?? 0;
  }
  if (options.cacheReadReported === false) cacheRead = 0;
  const tokens: Record<string, number> = { input_tokens: input, output_tokens: output ?? 0 };
  if (cacheRead) tokens.cache_read_tokens = cacheRead;
  if (cacheWrite) tokens.cache_write_tokens = cacheWrite;
  const price = calcPrice(tokens, model, { providerId });
  return { prompt_tokens: input, completion_tokens: output, cache_read_tokens: cacheRead, cache_creation_tokens: cacheWrite, cost: price?.total_price };
}

/** Events of an export by type, sorted by start. */
export function eventsOf(exp: Record<string, any>) {
  const byStart = (a: any, b: any) => (a.init_timestamp < b.init_timestamp ? -1 : a.init_timestamp > b.init_timestamp ? 1 : 0);
  return {
    llms: [...exp.llms].sort(byStart),
    tools: [...exp.tools].sort(byStart),
    actions: [...exp.actions].sort(byStart),
    errors: [...exp.errors].sort(byStart),
    agents: exp.agents as any[],
  };
}

/** The LLM event of one request the fake answered: by the answer's id, else (embeddings) by its path. */
export function eventFor(llms: any[], req: FakeRequest): any {
  const found = req.responseId ? llms.find((e) => e.response_id === req.responseId) : llms.find((e) => e.operation === 'embeddings' || /embedding/.test(e.model ?? ''));
  if (!found) throw new Error(`no LLM event for the request to ${req.path} (${req.responseId ?? 'no id'})`);
  return found;
}

/** The three ways an app meets AgentOps: the ESM preload, the CommonJS preload, the app's own tracer provider. */
export const MODES = [
  { mode: 'ESM, --import preload', args: ['--import', '@agentops/otel/register', 'app.mjs'], env: {} as Record<string, string> },
  { mode: 'CommonJS, --require preload', args: ['--require', '@agentops/otel/register', 'app.cjs'], env: {} as Record<string, string> },
  { mode: "inside the app's own tracer provider", args: ['app.cjs'], env: { EXISTING_OTEL: '1' } as Record<string, string> },
];

/** Runs a framework app once: its output, its session's export, the model requests it made and their LLM events. */
export async function runScenario(suite: ReturnType<typeof frameworkSuite>, dir: string, args: string[], env: Record<string, string>) {
  suite.fake.requests.length = 0;
  const run = await suite.run(dir, args, env);
  const requests = [...suite.fake.requests];
  const exp = await suite.server.export(sessionIdOf(run.stderr));
  return { run, exp, requests };
}
