// The packages as a user installs them: every publishable package packed with `pnpm pack`, the tarballs
// installed with plain npm into a fresh app outside the workspace (with openai 6 and @opentelemetry/sdk-node
// 0.2xx from the registry), and real apps run from there in child processes against `npx agentops-server`
// from the installed server package.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeLlm, type FakeLlmServer } from '@agentops/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..', '..');
const PACKAGES = ['model', 'instrumentation-utils', 'instrumentation-openai', 'instrumentation-anthropic', 'instrumentation-google-genai', 'instrumentation-mistral', 'instrumentation-cohere', 'instrumentation-bedrock', 'instrumentation-ai-sdk', 'instrumentation-langchain', 'instrumentation-openai-agents', 'otel', 'dashboard', 'server'];

let dir: string;
let app: string;
let tarballs: Record<string, string>;
let fake: FakeLlmServer;
let server: ChildProcess;
let serverUrl: string;
const apiKey = randomUUID();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without what pnpm sets for its scripts (npm would warn about every npm_config_* it finds). */
function cleanEnv(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

function run(cmd: string, args: string[], env: Record<string, string | undefined> = {}, cwd = app): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd,
      env: {
        ...cleanEnv(),
        NODE_OPTIONS: undefined,
        AGENTOPS_API_KEY: apiKey,
        AGENTOPS_API_ENDPOINT: serverUrl,
        OPENAI_BASE_URL: fake.openaiBaseURL,
        OPENAI_API_KEY: 'sk-fake',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const node = (args: string[], env?: Record<string, string | undefined>) => run(process.execPath, args, env);

async function api(p: string) {
  const res = await fetch(serverUrl + p, { headers: { 'x-agentops-api-key': apiKey } });
  return (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const sessionIds = (stderr: string) => [...stderr.matchAll(/session ([0-9a-f-]{36}) (?:started|joined)/g)].map((m) => m[1]);

interface AppSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  kind?: string;
}

function appSpans(file: string): AppSpan[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AppSpan);
}

/** Spans whose parent the app's backend never received. */
const orphans = (spans: AppSpan[]) => {
  const ids = new Set(spans.map((s) => s.spanId));
  return spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId)).map((s) => s.name);
};

const spansFile = () => path.join(dir, `spans-${randomUUID()}.jsonl`);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'agentops-installed-'));
  const packs = path.join(dir, 'packs');
  tarballs = {};
  for (const p of PACKAGES) {
    const out = execFileSync('npx', ['-y', 'pnpm@10', 'pack', '--pack-destination', packs], { cwd: path.join(root, 'packages', p), encoding: 'utf8', env: cleanEnv() });
    const file = out.trim().split('\n').pop()!.trim();
    tarballs[p] = path.isAbsolute(file) ? file : path.join(packs, path.basename(file));
  }
  app = path.join(dir, 'app');
  cpSync(path.join(__dirname, 'app'), app, { recursive: true });
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...Object.values(tarballs),
      'openai@6',
      // for the LangChain README snippet, type-checked against the real package
      '@langchain/core@1',
      '@opentelemetry/sdk-node@0.223.0',
      '@opentelemetry/sdk-trace-base@2.12.0',
      '@opentelemetry/api@1.9',
      'typescript@5.9',
      '@types/node@20',
    ],
    { cwd: app, stdio: 'inherit', env: { ...cleanEnv(), NODE_OPTIONS: undefined } },
  );
  fake = await startFakeLlm();
  // The installed bin itself, as `npx agentops-server` would run it: a SIGTERM to npx does not reach the server it
  // starts as its child, and every run of this file left a server behind.
  server = spawn(path.join(app, 'node_modules', '.bin', 'agentops-server'), ['--port', '0', '--db', path.join(dir, 'agentops.db'), '--api-key', `${apiKey}=installed`], { cwd: app, env: cleanEnv() });
  serverUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    server.stderr!.on('data', (d) => (err += d));
    server.stdout!.on('data', (d) => {
      out += d;
      const m = /^AgentOps server listening on (http:\/\/\S+)$/m.exec(out);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`agentops-server exited ${code}: ${err}`)));
  });
}, 600_000);

afterAll(async () => {
  const s = server;
  if (s && s.exitCode === null && s.signalCode === null) {
    const exited = new Promise<void>((resolve) => s.once('exit', () => resolve()));
    s.kill('SIGTERM');
    const late = setTimeout(() => s.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(late);
  }
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the packages as a user installs them', () => {
  it('tarballs ship no source maps, and @agentops/otel declares no package it bundles', () => {
    for (const file of Object.values(tarballs)) {
      const list = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' });
      expect(list).not.toMatch(/\.map$/m);
    }
    const pkg = JSON.parse(readFileSync(path.join(app, 'node_modules/@agentops/otel/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const bundled of ['@opentelemetry/core', '@opentelemetry/sdk-trace-base', '@opentelemetry/sdk-trace-node', '@opentelemetry/resources', '@opentelemetry/context-async-hooks']) {
      expect(pkg.dependencies).not.toHaveProperty(bundled);
    }
  });

  it('zero-code CommonJS (--require) and ESM (--import) apps: each LLM call is an event of the session', async () => {
    for (const args of [
      ['--require', '@agentops/otel/register', 'zero-code.cjs'],
      ['--import', '@agentops/otel/register', 'zero-code.mjs'],
    ]) {
      const r = await node(args);
      expect(r.stdout).toContain('answer:');
      const [id] = sessionIds(r.stderr);
      expect(id).toBeDefined();
      const stats = await api(`/v2/sessions/${id}/stats`);
      expect(stats.event_counts.llms).toBe(1);
      expect(Number(stats.cost)).toBeGreaterThan(0);
    }
  });

  it("existing CommonJS NodeSDK: the app's exporter gets the session and the LLM span with no orphan; AgentOps gets the same session", async () => {
    const file = spansFile();
    const r = await node(['existing.cjs'], { APP_SPANS: file });
    expect(r.code).toBe(0);
    const spans = appSpans(file);
    expect(spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'session']);
    expect(orphans(spans)).toEqual([]);
    const [id] = sessionIds(r.stderr);
    expect(spans.find((s) => s.kind === 'session')!.traceId).toBe(id.replace(/-/g, ''));
    const exp = await api(`/v2/sessions/${id}/export`);
    expect(exp.session).toMatchObject({ end_state: 'Success', tags: ['existing-cjs'] });
    expect(exp.llms).toHaveLength(1);
  });

  it('existing ESM NodeSDK in an --import setup file captures LLM calls with no loader hook of its own', async () => {
    const file = spansFile();
    const r = await node(['--import', './setup-existing.mjs', 'zero-code.mjs'], { APP_SPANS: file });
    expect(r.stdout).toContain('answer:');
    expect(r.stderr).not.toMatch(/warn/);
    const spans = appSpans(file);
    expect(spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'session']);
    expect(orphans(spans)).toEqual([]);
    const [id] = sessionIds(r.stderr);
    expect((await api(`/v2/sessions/${id}/stats`)).event_counts.llms).toBe(1);
  });

  it('an ESM app that starts its SDK after importing openai gets one warning saying what to add', async () => {
    const r = await node(['late-esm.mjs']);
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => /AgentOps: warn: getAgentOpsInstrumentations\(\)/.test(l));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('--import ./setup.mjs');
  });

  it.each([
    ['--import', 'preload first', ['--import', '@agentops/otel/register', '--import', './setup-plain.mjs', 'zero-code.mjs']],
    ['--import', 'app SDK first', ['--import', './setup-plain.mjs', '--import', '@agentops/otel/register', 'zero-code.mjs']],
    ['--require', 'preload first', ['--require', '@agentops/otel/register', '--require', './setup-plain.cjs', 'zero-code.cjs']],
    ['--require', 'app SDK first', ['--require', './setup-plain.cjs', '--require', '@agentops/otel/register', 'zero-code.cjs']],
  ])("the %s preload beside the app's own NodeSDK (%s): the app keeps its tracing, AgentOps gets the session", async (_flag, _order, args) => {
    const file = spansFile();
    const r = await node(args, { APP_SPANS: file });
    expect(r.stdout).toContain('answer:');
    expect(r.stderr).not.toMatch(/already called|duplicate registration/i);
    expect(r.stderr.match(/joined the app's OpenTelemetry/g)?.length ?? 0).toBeLessThanOrEqual(1);
    const spans = appSpans(file);
    expect(spans.map((s) => s.name)).toContain('chat gpt-4o-mini');
    expect(spans.map((s) => s.name)).toContain('session');
    expect(orphans(spans)).toEqual([]);
    const [id] = sessionIds(r.stderr);
    expect((await api(`/v2/sessions/${id}/stats`)).event_counts.llms).toBe(1);
  });

  it('NODE_OPTIONS="--import @agentops/otel/register" npm start: one session, the app\'s; processes that record nothing leave none', async () => {
    const before = (await api('/v2/sessions?limit=1000')).sessions.length;
    const r = await run('npm', ['start'], { NODE_OPTIONS: '--import @agentops/otel/register' });
    expect(r.stdout).toContain('answer:');
    expect(sessionIds(r.stderr)).toHaveLength(1);
    const quiet = await node(['-e', 'console.log("nothing to record")'], { NODE_OPTIONS: '--import @agentops/otel/register' });
    expect(quiet.stdout).toContain('nothing to record');
    expect(sessionIds(quiet.stderr)).toHaveLength(0);
    expect((await api('/v2/sessions?limit=1000')).sessions.length).toBe(before + 1);
  });

  it('a session follows its child processes: spawn, fork, exec and execFileSync children join it; a clean env and a non-Node child do not get the preload', async () => {
    const r = await node(['parent.mjs']);
    expect(r.code).toBe(0);
    const id = /session: ([0-9a-f-]{36})/.exec(r.stdout)![1];
    const [shellSession, traceparent, nodeOptions] = /shell: (.*)/.exec(r.stdout)![1].split(' ');
    expect(shellSession).toBe(id);
    expect(traceparent).toMatch(new RegExp(`^00-${id.replace(/-/g, '')}-[0-9a-f]{16}-01$`));
    expect(nodeOptions).toBe('none');
    const exp = await api(`/v2/sessions/${id}/export`);
    expect(exp.stats.event_counts).toMatchObject({ actions: 2, llms: 4 }); // the worker's action too
    expect(exp.session.end_state).toBe('Success');
    expect((await api('/v2/sessions?limit=1000')).sessions.filter((s: { session_id: string }) => s.session_id !== id)).not.toContainEqual(
      expect.objectContaining({ tags: ['multi-process'] }),
    );
  });

  it("an inherited session shows whole in both backends: the app's exporter gets both processes' spans as one trace with no orphan", async () => {
    const file = spansFile();
    const r = await node(['existing-parent.cjs'], { APP_SPANS: file });
    expect(r.code).toBe(0);
    const id = /session: ([0-9a-f-]{36})/.exec(r.stdout)![1];
    const spans = appSpans(file);
    expect(spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'parent', 'session', 'session']);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([id.replace(/-/g, '')]));
    expect(orphans(spans)).toEqual([]);
    expect((await api(`/v2/sessions/${id}/stats`)).event_counts).toMatchObject({ actions: 1, llms: 1 });
  });

  it('AGENTOPS_FOLLOW_CHILDREN=false keeps children out of the session', async () => {
    const r = await node(['parent.mjs'], { AGENTOPS_FOLLOW_CHILDREN: 'false' });
    const id = /session: ([0-9a-f-]{36})/.exec(r.stdout)![1];
    expect(/shell: (.*)/.exec(r.stdout)![1].trim()).toBe('none');
    expect((await api(`/v2/sessions/${id}/stats`)).event_counts.llms).toBe(0);
  });

  it('every TypeScript snippet of the READMEs type-checks as a consumer compiles it (strict, skipLibCheck false; node16 and bundler)', () => {
    const readmes = [path.join(root, 'README.md'), ...readdirSync(path.join(root, 'packages')).map((p) => path.join(root, 'packages', p, 'README.md'))];
    const snippets = readmes.filter(existsSync).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => ({ file: f, code: m[1] })));
    expect(snippets.length).toBeGreaterThan(2);
    const ts = path.join(dir, 'ts');
    rmSync(ts, { recursive: true, force: true });
    cpSync(path.join(__dirname, 'snippet-prelude.d.ts'), path.join(app, 'snippet-prelude.d.ts'));
    snippets.forEach((s, i) => writeFileSync(path.join(app, `snippet-${i}.mts`), `// ${path.relative(root, s.file)}\n${s.code}\nexport {};\n`));
    for (const [module, moduleResolution] of [
      ['node16', 'node16'],
      ['esnext', 'bundler'],
    ]) {
      const config = {
        compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, module, moduleResolution, target: 'es2022', types: ['node'] },
        include: ['snippet-*.mts', 'snippet-prelude.d.ts'],
      };
      writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(config));
      let out = '';
      try {
        execFileSync(path.join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
      } catch (e) {
        out = String((e as { stdout?: string }).stdout);
      }
      expect(out, `${moduleResolution}: ${out}`).toBe('');
    }
  });
});
