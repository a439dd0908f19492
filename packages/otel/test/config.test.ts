import { describe, expect, it } from 'vitest';
import * as agentops from '../src/index.js';
import { resolveConfig } from '../src/config.js';
import { captureStderr, initInMemory, resetAfterEach } from './helpers.js';

resetAfterEach();

describe('options and environment variables', () => {
  it('reads every option from its env variable', () => {
    const cfg = resolveConfig(
      {},
      {
        AGENTOPS_API_KEY: '6f2b8a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
        AGENTOPS_API_ENDPOINT: 'http://127.0.0.1:9999/',
        AGENTOPS_AUTO_START_SESSION: 'false',
        AGENTOPS_INHERITED_SESSION_ID: 'A1B2C3D4-1111-4222-8333-444455556666',
        AGENTOPS_DEFAULT_TAGS: 'x, y ,,z',
        AGENTOPS_CAPTURE_CONTENT: 'false',
        AGENTOPS_ENV_DATA_OPT_OUT: 'true',
        AGENTOPS_LOG_LEVEL: 'warn',
        AGENTOPS_MAX_FIELD_SIZE: '1024',
      },
    );
    expect(cfg).toMatchObject({
      apiKey: '6f2b8a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
      endpoint: 'http://127.0.0.1:9999',
      autoStartSession: false,
      inheritedSessionId: 'a1b2c3d4-1111-4222-8333-444455556666',
      defaultTags: ['x', 'y', 'z'],
      captureContent: false,
      envDataOptOut: true,
      logLevel: 'warn',
      maxFieldSize: 1024,
      disabled: false,
    });
  });

  it('defaults: local server endpoint, auto start, capture on', () => {
    const cfg = resolveConfig({}, {});
    expect(cfg).toMatchObject({ endpoint: 'http://127.0.0.1:8710', autoStartSession: true, captureContent: true, maxWaitTime: 2000 });
  });

  it('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false turns content capture off; options win over env', () => {
    expect(resolveConfig({}, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false' }).captureContent).toBe(false);
    expect(resolveConfig({ autoStartSession: true }, { AGENTOPS_AUTO_START_SESSION: 'false' }).autoStartSession).toBe(true);
  });

  it('a malformed API key warns once and never throws', () => {
    const err = captureStderr();
    expect(() => agentops.init({ apiKey: 'not-a-key', logLevel: 'warn' })).not.toThrow();
    expect(() => resolveConfig({ apiKey: 'still-not-a-key' }, {})).not.toThrow();
    err.restore();
    expect(err.text().match(/API key is malformed/g)).toHaveLength(1);
  });

  it('shutdown() with the server down ends within its flush bound, not the 30 s retry budget of session creation', async () => {
    const err = captureStderr();
    // Port 9 (discard) on loopback: nothing listens, every attempt is refused at once and retried.
    agentops.init({ apiKey: '6f2b8a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b', endpoint: 'http://127.0.0.1:9', maxWaitTime: 200, logLevel: 'error' });
    const t0 = Date.now();
    await agentops.shutdown();
    err.restore();
    // flush bound (200 + 4500 ms) plus the provider's grace (1 s); before the grace it took the full 30 s.
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('bad option values warn and fall back', () => {
    const err = captureStderr();
    const cfg = resolveConfig({ maxQueueSize: -3, logLevel: 'loud' as never }, { AGENTOPS_CAPTURE_CONTENT: 'maybe' });
    err.restore();
    expect(cfg.maxQueueSize).toBe(2048);
    expect(cfg.logLevel).toBe('info');
    expect(err.text()).toMatch(/maxQueueSize must be a positive whole number/);
    expect(err.text()).toMatch(/AGENTOPS_CAPTURE_CONTENT=maybe is not a boolean/);
  });

  it('content capture off keeps prompts and completions out of the spans', async () => {
    const { session, spans } = initInMemory({ captureContent: false });
    session!.record(new agentops.LLMEvent({ model: 'gpt-4o', prompt: 'SECRET PROMPT', completion: 'SECRET ANSWER', promptTokens: 1 }));
    const text = JSON.stringify((await spans()).map((s) => s.attributes));
    expect(text).not.toContain('SECRET');
    expect(text).toContain('gpt-4o');
  });
});

describe('OTEL_SDK_DISABLED=true', () => {
  it('makes every call a no-op that still returns sensible values', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    try {
      const { session, spans } = initInMemory({ tags: ['t'] });
      expect(session).toBeDefined();
      const s = session!;
      s.record(new agentops.ActionEvent({ actionType: 'a' }));
      agentops.recordTool('t', () => 1)();
      s.addTags(['x']);
      expect(s.tags).toEqual(['t', 'x']);
      // Nothing is recorded, so nothing is counted (the analytics count what the session's spans carry).
      expect(s.getAnalytics()).toMatchObject({ Actions: 0, 'Tool calls': 0 });
      expect(await s.endSession('Success')).toBe('0.000000');
      expect(await spans()).toHaveLength(0);
      const { trace } = await import('@opentelemetry/api');
      const delegate = (trace.getTracerProvider() as unknown as { getDelegate(): object }).getDelegate();
      expect(delegate.constructor.name).toBe('NoopTracerProvider');
    } finally {
      delete process.env.OTEL_SDK_DISABLED;
    }
  });
});

describe('host environment', () => {
  it('reports SDK, Node, OS, CPU, RAM, disk, the app package and cwd; the opt-out keeps SDK, OS and cwd', async () => {
    const { session } = initInMemory();
    const env = session!.hostEnv as Record<string, Record<string, unknown>>;
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['SDK', 'OS', 'CPU', 'RAM', 'Disk', 'Project', 'Installed Packages', 'Working Directory']));
    expect(env.SDK['Node Version']).toBe(process.version);
    expect(env.CPU.Count).toBeGreaterThan(0);
    await agentops.shutdown();
    const { session: optedOut } = initInMemory({ envDataOptOut: true });
    expect(Object.keys(optedOut!.hostEnv).sort()).toEqual(['OS', 'SDK', 'Working Directory']);
  });
});
