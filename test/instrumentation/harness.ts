import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { context, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { startFakeLlm, type FakeLlmServer } from '@agentops/fake-llm';
import { afterAll, beforeAll, beforeEach } from 'vitest';

const require = createRequire(import.meta.url);

/**
 * Which client versions this run covers: openai 4, 5, 6 and the newest Anthropic 0.x on Node 20; openai 7
 * and @anthropic-ai/sdk 1 on Node 24 (they need Node 22+). AGENTOPS_TEST_MATRIX overrides.
 */
const node24 = (process.env.AGENTOPS_TEST_MATRIX ?? (Number(process.versions.node.split('.')[0]) >= 22 ? 'node24' : 'node20')) === 'node24';
export const OPENAI_VERSIONS = node24 ? ['openai-v7'] : ['openai-v4', 'openai-v5', 'openai-v6'];
export const ANTHROPIC_VERSIONS = node24 ? ['anthropic-v1'] : ['anthropic-v0'];
/** @google/genai: 2.x, the newest for Node 20; 3.x needs Node 22+. */
export const GOOGLE_GENAI_VERSIONS = node24 ? ['google-genai-v3'] : ['google-genai-v2'];
/** @mistralai/mistralai 1.x and 2.x (ES modules only in 2.x). */
export const MISTRAL_VERSIONS = node24 ? ['mistral-v2'] : ['mistral-v1', 'mistral-v2'];
/** cohere-ai 7.x and 8.x. */
export const COHERE_VERSIONS = node24 ? ['cohere-v8'] : ['cohere-v7', 'cohere-v8'];

/** An ES-module-only client, imported as the app would. */
export async function importModule<T = Record<string, unknown>>(alias: string): Promise<T> {
  return (await import(alias)) as T;
}

export function load<T = Record<string, unknown>>(alias: string): { module: T; version: string } {
  // The client's exports map hides package.json: walk up from its main file (through pnpm's store path).
  let dir = path.dirname(require.resolve(alias));
  while (!existsSync(path.join(dir, 'package.json')) || !('version' in JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')))) dir = path.dirname(dir);
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  return { module: require(alias) as T, version };
}

/** An in-memory tracer provider, with the async context working as in an app. */
export function memoryTracing() {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return {
    provider,
    exporter,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    llmSpans: (): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.attributes['agentops.span.kind'] === 'llm'),
    errorSpans: (): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.attributes['agentops.span.kind'] === 'error'),
    reset: () => exporter.reset(),
    shutdown: async () => {
      context.disable();
      await provider.shutdown();
    },
  };
}

export const json = (v: unknown) => JSON.parse(String(v));

/**
 * The set-up every client test file shares: an in-memory tracer provider, the instrumentation enabled on it,
 * and the fake model server; spans and recorded requests are cleared before each test.
 */
export function instrumentationSuite(instrumentation: { setTracerProvider(p: TracerProvider): void; enable(): void; disable(): void }) {
  const tracing = memoryTracing();
  instrumentation.setTracerProvider(tracing.provider);
  instrumentation.enable();
  let server: FakeLlmServer | undefined;
  beforeAll(async () => {
    server = await startFakeLlm({ chunks: 8 });
  });
  afterAll(async () => {
    instrumentation.disable();
    await server?.close();
    await tracing.shutdown();
  });
  beforeEach(() => {
    tracing.reset();
    if (server) server.requests.length = 0;
  });
  return {
    tracing,
    /** The fake server (started in beforeAll). */
    get fake(): FakeLlmServer {
      if (!server) throw new Error('the fake model server is not started yet (use it inside a test or beforeAll)');
      return server;
    },
  };
}

/**
 * Runs `fn` with `quiet` (the same instrumentation made with other options) patched on `mod` in place of
 * `instrumentation`, which is patched back after.
 */
export async function withInstead<M>(
  instrumentation: { unpatch(m: M): void; patch(m: M): unknown },
  quiet: { setTracerProvider(p: TracerProvider): void; unpatch(m: M): void; patch(m: M): unknown },
  provider: TracerProvider,
  mod: M,
  fn: () => Promise<unknown>,
): Promise<void> {
  quiet.setTracerProvider(provider);
  instrumentation.unpatch(mod);
  quiet.patch(mod);
  try {
    await fn();
  } finally {
    quiet.unpatch(mod);
    instrumentation.patch(mod);
  }
}
