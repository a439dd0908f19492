import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm } from '@agentops/fake-llm';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const examples = path.join(__dirname, '..', 'examples');

/** Runs a child Node process (async: the server in this process must keep answering). */
function runNode(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: opts.cwd ?? __dirname,
      env: { ...process.env, AGENTOPS_API_KEY: server.apiKey, AGENTOPS_API_ENDPOINT: server.url, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const sessionIdFrom = (stderr: string) => /session ([0-9a-f-]{36}) started/.exec(stderr)?.[1];

describe('zero-code capture through the preload', () => {
  it('--require (CommonJS): every OpenAI call of an unmodified app is an LLM event of an automatic session', async () => {
    const r = await runNode(['--require', '@agentops/otel/register', 'index.cjs'], { cwd: path.join(examples, 'zero-code') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Agent: The weather in Paris');
    const id = sessionIdFrom(r.stderr)!;
    expect(id).toBeDefined();
    const exp = await server.export(id);
    expect(exp.session.end_state).toBe('Indeterminate');
    expect(exp.llms).toHaveLength(2);
    expect(exp.llms[0]).toMatchObject({ model: 'gpt-4o-mini-2024-07-18', provider: 'openai', finish_reasons: ['tool_calls'] });
    expect(exp.llms[0].prompt_tokens).toBeGreaterThan(0);
    expect(exp.llms[0].cost).toBeGreaterThan(0);
    expect(exp.llms[1].time_to_first_token_ms).toBeGreaterThan(0);
    expect(exp.stats.cost).not.toBe('0.000000');
  });

  it('--import (ESM): OpenAI and Anthropic calls, messages.stream() included', async () => {
    const r = await runNode(['--import', '@agentops/otel/register', 'index.mjs'], { cwd: path.join(examples, 'zero-code-esm') });
    expect(r.code).toBe(0);
    const exp = await server.export(sessionIdFrom(r.stderr)!);
    expect(exp.llms.map((e: { provider: string }) => e.provider).sort()).toEqual(['anthropic', 'openai']);
    expect(exp.llms.every((e: { cost: number }) => e.cost > 0)).toBe(true);
  });

  it.each([
    ['--require', 'zero-code', 'index.cjs'],
    ['--import', 'zero-code-esm', 'index.mjs'],
  ])('NODE_OPTIONS="%s @agentops/otel/register" works too', async (flag, dir, file) => {
    const r = await runNode([file], { cwd: path.join(examples, dir), env: { NODE_OPTIONS: `${flag} @agentops/otel/register` } });
    expect(r.code).toBe(0);
    expect((await server.stats(sessionIdFrom(r.stderr)!)).event_counts.llms).toBe(2);
  });

  it('both builds of openai in one process (import and require) are patched, each once', async () => {
    const r = await runNode(['--import', '@agentops/otel/register', path.join('fixtures', 'dual-openai.mjs')]);
    expect(r.stdout).toContain('two builds');
    expect((await server.stats(sessionIdFrom(r.stderr)!)).event_counts.llms).toBe(2);
  });

  it('--import (ESM): @google/genai calls, plain and streamed, are LLM events priced as Google', async () => {
    const fake = await startFakeLlm();
    try {
      const r = await runNode(['--import', '@agentops/otel/register', path.join('fixtures', 'google-genai.mjs')], { env: { FAKE_URL: fake.geminiBaseURL } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Gemini: The weather in Paris');
      const exp = await server.export(sessionIdFrom(r.stderr)!);
      expect(exp.llms).toHaveLength(2);
      expect(exp.llms.every((e: { provider: string; cost: number }) => e.provider === 'gcp.gemini' && e.cost > 0)).toBe(true);
      expect(exp.llms.some((e: { time_to_first_token_ms: number | null }) => (e.time_to_first_token_ms ?? 0) > 0)).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('--import (ESM): Mistral (ES modules only), Cohere and Bedrock calls, plain and streamed, are LLM events priced as their provider', async () => {
    const fake = await startFakeLlm();
    try {
      const r = await runNode(['--import', '@agentops/otel/register', path.join('fixtures', 'providers.mjs')], { env: { FAKE_URL: fake.url, BEDROCK_ENDPOINT: fake.bedrockEndpoint } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('providers done');
      const exp = await server.export(sessionIdFrom(r.stderr)!);
      expect(exp.llms.map((e: { provider: string }) => e.provider).sort()).toEqual(['aws.bedrock', 'aws.bedrock', 'cohere', 'cohere', 'mistral_ai', 'mistral_ai']);
      expect(exp.llms.every((e: { cost: number }) => e.cost > 0)).toBe(true);
      expect(exp.stats.unpriced_llm_calls).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it('Bedrock with @opentelemetry/instrumentation-aws-sdk on too: its GenAI span of the same call is not a second event', async () => {
    const fake = await startFakeLlm();
    try {
      const r = await runNode([path.join('fixtures', 'bedrock-with-aws-sdk.cjs')], { env: { BEDROCK_ENDPOINT: fake.bedrockEndpoint } });
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('RESULT '))!.slice(7));
      // Both instrumentations traced both calls: the app's exporter has the aws-sdk spans, with their GenAI model.
      const aws = result.spans.filter((s: { scope: string; model: string | null }) => s.scope === '@opentelemetry/instrumentation-aws-sdk' && s.model);
      expect(aws).toHaveLength(2);
      const exp = await server.export(result.session);
      expect(exp.llms).toHaveLength(2);
      expect(exp.stats.event_counts.llms).toBe(2);
      expect(exp.llms.every((e: { provider: string; cost: number }) => e.provider === 'aws.bedrock' && e.cost > 0)).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('a library required before init() is patched', async () => {
    const r = await runNode([path.join('fixtures', 'loaded-before-init.cjs')]);
    expect(r.code).toBe(0);
    const stats = await server.stats(r.stdout.trim());
    expect(stats.event_counts.llms).toBe(1);
    expect(stats.end_state).toBe('Success');
  });

  it('OTEL_SDK_DISABLED=true leaves the app untouched: same output, no session', async () => {
    const before = (await server.get('/v2/sessions?limit=1000')).body.sessions.length;
    const r = await runNode(['--require', '@agentops/otel/register', 'index.cjs'], { cwd: path.join(examples, 'zero-code'), env: { OTEL_SDK_DISABLED: 'true' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Agent: The weather in Paris');
    expect(r.stderr).not.toContain('AgentOps');
    expect((await server.get('/v2/sessions?limit=1000')).body.sessions.length).toBe(before);
  });

  it('worker threads are skipped: one session, started by the main thread', async () => {
    const r = await runNode(['--require', '@agentops/otel/register', path.join('fixtures', 'with-worker.cjs')]);
    expect(r.stdout).toContain('worker done');
    expect(r.stderr.match(/session [0-9a-f-]{36} started/g)).toHaveLength(1);
  });

  it('with content capture off, no prompt text reaches the server database', async () => {
    // A server of its own: the other tests here wrote prompts into the shared one.
    const own = await startTestServer();
    const r = await runNode(['--require', '@agentops/otel/register', 'index.cjs'], {
      cwd: path.join(examples, 'zero-code'),
      env: { AGENTOPS_CAPTURE_CONTENT: 'false', AGENTOPS_API_KEY: own.apiKey, AGENTOPS_API_ENDPOINT: own.url },
    });
    const id = sessionIdFrom(r.stderr)!;
    const exp = await own.export(id);
    await own.close();
    expect(exp.llms).toHaveLength(2);
    expect(exp.llms[0].prompt).toBeNull();
    const dir = path.dirname(own.db);
    const files = readdirSync(dir).filter((f) => f.startsWith(path.basename(own.db)));
    const bytes = files.map((f) => readFileSync(path.join(dir, f)).toString('latin1')).join('');
    expect(bytes).toContain(id);
    expect(bytes).not.toContain('What is the weather in Paris');
  });

  it('OTEL_EXPORTER_OTLP_ENDPOINT also sends the spans to that OTLP endpoint', async () => {
    const bodies: string[] = [];
    const collector = http.createServer((req, res) => {
      let b = '';
      req.on('data', (d) => (b += d));
      req.on('end', () => {
        bodies.push(`${req.url} ${b}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    try {
      const port = (collector.address() as AddressInfo).port;
      const r = await runNode(['--require', '@agentops/otel/register', 'index.cjs'], {
        cwd: path.join(examples, 'zero-code'),
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      });
      expect(r.code).toBe(0);
      const all = bodies.join('\n');
      expect(all).toContain('/v1/traces');
      expect(all).toContain('gen_ai.request.model');
      expect((await server.stats(sessionIdFrom(r.stderr)!)).event_counts.llms).toBe(2);
    } finally {
      collector.close();
    }
  });
});

describe('the --require preload loads AgentOps at the first require that needs it', () => {
  const preload = ['--require', '@agentops/otel/register'];

  it('a process that requires nothing it needs loads neither AgentOps, the OpenTelemetry API nor the child-process, worker and crypto modules', async () => {
    const probe = `
      const files = Object.keys(require.cache);
      console.log(JSON.stringify({
        agentops: files.filter((f) => /otel[\\\\/]dist[\\\\/]index\\.c?js$/.test(f)).length,
        api: files.filter((f) => /@opentelemetry[\\\\/]api/.test(f)).length,
        builtins: ['crypto', 'child_process', 'worker_threads', 'tty'].filter((m) => process.moduleLoadList.includes('NativeModule ' + m)),
      }));`;
    const r = await runNode([...preload, '-e', probe]);
    expect(r.code).toBe(0);
    // Node's own -e may load some of these builtins: the preload is to add none.
    const without = JSON.parse((await runNode(['-e', probe])).stdout);
    expect(JSON.parse(r.stdout)).toEqual({ agentops: 0, api: 0, builtins: without.builtins });
    expect(without.builtins).not.toContain('child_process');
    // The same probe after a require that needs AgentOps: it is there, and it patched what was required.
    const after = await runNode([...preload, '-e', `const cp = require('child_process'); console.log(cp.ChildProcess.prototype.spawn.name, typeof require('@agentops/otel').getSession());`]);
    expect(after.stdout.trim()).toBe('spawn object');
  });

  it('an uncaught exception before then still ends the session Failure with the error', async () => {
    const r = await runNode([...preload, '-e', `setTimeout(() => { throw new Error('boom before any LLM call') }, 10)`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('boom before any LLM call');
    const exp = await server.export(sessionIdFrom(r.stderr)!);
    expect(exp.session.end_state).toBe('Failure');
    expect(exp.session.end_state_reason).toContain('boom before any LLM call');
    expect(exp.errors).toHaveLength(1);
  });

  it("a CommonJS app's first require of child_process: its children join the session, Node children with the preload", async () => {
    const app = `
      const { execFileSync } = require('child_process');
      const child = execFileSync(process.execPath, ['-e', "console.log(process.env.AGENTOPS_INHERITED_SESSION_ID, /register\\\\.cjs/.test(process.env.NODE_OPTIONS))"], { encoding: 'utf8' });
      const agentops = require('@agentops/otel');
      agentops.record(new agentops.ActionEvent({ actionType: 'parent' }));
      console.log(agentops.getSession().id, child.trim());`;
    const r = await runNode([...preload, '-e', app]);
    expect(r.code).toBe(0);
    const [parent, childSession, childPreload] = r.stdout.trim().split(/\s+/);
    expect(childSession).toBe(parent);
    expect(childPreload).toBe('true');
  });

  it('the session begins when the process did, not when AgentOps loaded', async () => {
    const app = `
      const until = Date.now() + 400;
      while (Date.now() < until);
      const loadedAt = Date.now();
      const agentops = require('@agentops/otel');
      agentops.record(new agentops.ActionEvent({ actionType: 'late' }));
      console.log(agentops.getSession().id, loadedAt);`;
    const r = await runNode([...preload, '-e', app]);
    const [id, loadedAt] = r.stdout.trim().split(' ');
    const exp = await server.export(id);
    expect(Date.parse(exp.session.init_timestamp)).toBeLessThanOrEqual(Number(loadedAt) - 350);
  });
});
