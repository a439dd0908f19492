import { context, type Context } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SESSION_ID, llmCostOf, traceIdToUuid } from '@agentops/model';
import { isMainThread } from 'node:worker_threads';
import { resolveConfig, SESSION_OPTIONS, type Configuration, type InitOptions, type ResolvedConfig } from './config.js';
import { sessionFromContext } from './context.js';
import { enableInstrumentations } from './instrumentations.js';
import { installProcessHooks } from './lifecycle.js';
import { logger } from './logger.js';
import { AgentOpsApiClient } from './exporter/api-client.js';
import { AgentOpsExporter } from './exporter/exporter.js';
import { AgentOpsSpanProcessor } from './processor.js';
import { AgentOpsTracing, type TracingMode } from './provider.js';
import { followChildProcesses } from './children.js';
import { Session, type SessionHost, type StartSessionOptions } from './session.js';

/** The AgentOps exporter when an API key is configured; none otherwise. */
export function defaultExporter(cfg: ResolvedConfig): SpanExporter | undefined {
  if (!cfg.apiKey || cfg.disabled) return undefined;
  // An endpoint that is not a URL was reported at init(): nothing is tried, everything is counted as dropped.
  if (!cfg.endpointValid) return new DiscardingExporter(true);
  return new AgentOpsExporter({ endpoint: cfg.endpoint, apiKey: cfg.apiKey });
}

/**
 * Exporter used when there is nowhere to send spans: without an API key sessions still work locally (nothing
 * is counted); with an endpoint that cannot be used, what would have been sent is counted as dropped.
 */
export class DiscardingExporter implements SpanExporter {
  private dropped = 0;
  constructor(private readonly countsDrops = false) {}
  export(spans: ReadableSpan[], done: (r: { code: ExportResultCode }) => void): void {
    if (this.countsDrops) this.dropped += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  getDroppedCount(): number {
    return this.dropped;
  }
  async shutdown(): Promise<void> {}
}

/**
 * The SDK's state for the process: configuration, tracing, live sessions, process hooks. One per process,
 * kept on `globalThis` so the ESM and CommonJS builds loaded side by side share it.
 */
export class AgentOpsClient implements SessionHost {
  private cfg: ResolvedConfig;
  readonly processor: AgentOpsSpanProcessor;
  private readonly tracing: AgentOpsTracing;
  /** The session `init` started (or, deferred, will announce on first use). */
  initSession: Session | undefined;
  /** True when the `--require`/`--import` preload made this client (and the app's own `init` has not run). */
  fromPreload: boolean;
  private options: InitOptions;
  /**
   * The pipelines of sessions with a configuration of their own (another key, endpoint or batching), by what
   * tells them apart; every other session uses `processor`.
   */
  private readonly pipelines = new Map<string, AgentOpsSpanProcessor>();
  private readonly live = new Map<string, Session>();
  private readonly all = new Map<string, Session>();
  private readonly serverCosts = new Map<string, string>();
  private removeHooks: (() => void) | undefined;
  private disableInstrumentations: (() => void) | undefined;
  private unfollowChildren: (() => void) | undefined;

  constructor(options: InitOptions, fromPreload = false) {
    this.fromPreload = fromPreload;
    this.options = options;
    this.cfg = resolveConfig(options);
    const cfg = this.cfg;
    const userProcessor = AgentOpsSpanProcessor.created()[0];
    const exporter = this.makeExporter(cfg, !!userProcessor);
    this.processor =
      userProcessor && !cfg.exporter
        ? userProcessor
        : new AgentOpsSpanProcessor({ exporter: exporter!, maxQueueSize: cfg.maxQueueSize, maxWaitTime: cfg.maxWaitTime, internal: true });
    this.processor.sessionHooks = {
      sessionIdFor: (ctx, llm) => {
        const s = this.currentSession(ctx);
        if (llm) s?._announce();
        return s?.id;
      },
      onEventSpan: (span, kind) => this.countEventSpan(span, kind),
    };
    this.tracing = new AgentOpsTracing(this.processor, cfg.disabled);
    if (!cfg.disabled) {
      const g = globalThis as SdkHooks;
      g[SESSION_CONTEXT] = () => this.sessionContextForInstrumentation();
      this.publishSettings();
      if (cfg.instrumentLlmCalls) this.disableInstrumentations = enableInstrumentations(this.tracing.tracerProvider);
      if (cfg.followChildren && isMainThread) this.unfollowChildren = followChildProcesses(this);
    }
    if (!cfg.disabled && isMainThread) {
      this.removeHooks = installProcessHooks({
        liveSessions: () => [...this.live.values()],
        hasPending: () => this.allProcessors().some((p) => p.hasPending()),
        flush: (ms) => this.flush(ms),
        flushSync: () => this.allProcessors().forEach((p) => p.flushSync()),
        abandon: () => this.allProcessors().forEach((p) => p.exporter.abandon?.()),
        skipAutoEndSession: cfg.skipAutoEndSession,
      });
    }
  }

  /** The resolved configuration every part of the SDK follows. */
  get config(): ResolvedConfig {
    return this.cfg;
  }

  /** The exporter of a configuration; undefined when the app's own AgentOpsSpanProcessor is to be used. */
  private makeExporter(cfg: ResolvedConfig, haveUserProcessor: boolean): SpanExporter | undefined {
    const exporter = cfg.exporter ?? defaultExporter(cfg);
    if (exporter instanceof AgentOpsExporter) {
      exporter.listener = {
        onSessionCreated: (id, projectId) => {
          const s = this.all.get(id);
          if (s && projectId) s._setProjectId(projectId);
        },
        onSessionCost: (id, cost) => this.setServerCost(id, cost),
      };
    }
    if (exporter || haveUserProcessor) return exporter;
    if (!cfg.disabled) logger.once('warn', 'no-api-key', 'no API key (AGENTOPS_API_KEY): sessions are kept locally and nothing is sent.');
    return new DiscardingExporter();
  }

  /**
   * The app's own `init(options)` after the preload started AgentOps from the environment: while nothing has
   * been recorded yet, the app's options become the configuration (one configuration for the process), and
   * the preload's waiting session is replaced by one started with them. Returns false when it is too late
   * (something was already recorded or sent).
   */
  reconfigure(options: InitOptions): boolean {
    if ([...this.all.values()].some((s) => s.announced) || this.processor.hasPending()) return false;
    const cfg = resolveConfig(options);
    if (cfg.disabled !== this.cfg.disabled) return false;
    const exporter = this.makeExporter(cfg, false)!;
    this.processor._reconfigure(exporter, cfg.maxQueueSize, cfg.maxWaitTime);
    this.cfg = cfg;
    this.options = options;
    this.publishSettings();
    if (!cfg.instrumentLlmCalls) {
      this.disableInstrumentations?.();
      this.disableInstrumentations = undefined;
    }
    if (!cfg.followChildren) {
      this.unfollowChildren?.();
      this.unfollowChildren = undefined;
    }
    for (const s of this.live.values()) {
      this.live.delete(s.id);
      this.all.delete(s.id);
    }
    this.initSession = undefined;
    this.fromPreload = false;
    return true;
  }

  private publishSettings(): void {
    const cfg = this.cfg;
    const own = Object.freeze({ captureContent: cfg.captureContent, maxFieldSize: cfg.maxFieldSize, streamUsage: cfg.streamUsage });
    Object.defineProperty(globalThis, GENAI_SETTINGS, { value: own, configurable: true, writable: true });
  }

  /**
   * Once a session captures content differently from `init()`, what the instrumentations read depends on the
   * session a call runs in: a getter, consulted per call (until then a plain value, read at no cost).
   */
  private publishSessionSettings(): void {
    const fallback = Object.freeze({ captureContent: this.cfg.captureContent, maxFieldSize: this.cfg.maxFieldSize, streamUsage: this.cfg.streamUsage });
    Object.defineProperty(globalThis, GENAI_SETTINGS, {
      configurable: true,
      get: () => {
        const bound = sessionFromContext(context.active());
        const s = bound ?? (this.live.size === 1 ? this.live.values().next().value : undefined);
        return s?._settings ?? fallback;
      },
    });
  }

  /**
   * The configuration of a session that brings its own (`startSession({ config })`): the options of `init()`
   * with the session's on top, checked the same way. Undefined when there is nothing of its own.
   */
  sessionConfig(config: Configuration | undefined): ResolvedConfig | undefined {
    if (config === undefined || config === null) return undefined;
    if (typeof config !== 'object') {
      logger.warn(`startSession({ config }) expects an object of options; got ${typeof config}. The configuration of init() is used.`);
      return undefined;
    }
    const picked: Configuration = {};
    for (const [k, v] of Object.entries(config)) {
      if ((SESSION_OPTIONS as readonly string[]).includes(k)) (picked as Record<string, unknown>)[k] = v;
      else logger.warn(`startSession({ config }): "${k}" cannot be set per session (only ${SESSION_OPTIONS.join(', ')}); it is ignored.`);
    }
    if (Object.keys(picked).length === 0) return undefined;
    const ownExport = picked.apiKey !== undefined || picked.endpoint !== undefined;
    // A session that names its own key or endpoint is sent with the AgentOps exporter, not an exporter of init().
    return resolveConfig({ ...this.options, ...picked, exporter: ownExport ? undefined : this.options.exporter });
  }

  /** The processor of a session's configuration: the client's own, or one made for that key, endpoint and batching. */
  private pipelineFor(cfg: ResolvedConfig): AgentOpsSpanProcessor {
    const base = this.cfg;
    if (cfg.apiKey === base.apiKey && cfg.endpoint === base.endpoint && cfg.maxWaitTime === base.maxWaitTime && cfg.maxQueueSize === base.maxQueueSize && cfg.exporter === base.exporter) {
      return this.processor;
    }
    const key = JSON.stringify([cfg.apiKey, cfg.endpoint, cfg.maxWaitTime, cfg.maxQueueSize, cfg.exporter === base.exporter]);
    let p = this.pipelines.get(key);
    if (!p) {
      p = new AgentOpsSpanProcessor({ exporter: this.makeExporter(cfg, false)!, maxQueueSize: cfg.maxQueueSize, maxWaitTime: cfg.maxWaitTime, internal: true });
      p.sessionHooks = this.processor.sessionHooks;
      this.pipelines.set(key, p);
      this.processor.route ??= (span, ctx) => this.routeOf(span, ctx);
    }
    return p;
  }

  /** Which pipeline a span goes through: its session's (by id, by trace, else by the context it started in). */
  private routeOf(span: ReadableSpan, ctx?: Context): AgentOpsSpanProcessor | undefined {
    const attr = span.attributes[ATTR_SESSION_ID];
    const id = typeof attr === 'string' ? attr : traceIdToUuid(span.spanContext().traceId);
    const s = this.all.get(id) ?? (ctx ? sessionFromContext(ctx) : undefined);
    return s ? this.pipelineOf.get(s) : undefined;
  }

  private readonly pipelineOf = new WeakMap<Session, AgentOpsSpanProcessor>();

  private allProcessors(): AgentOpsSpanProcessor[] {
    return this.pipelines.size === 0 ? [this.processor] : [this.processor, ...this.pipelines.values()];
  }

  get tracer() {
    return this.tracing.tracer;
  }

  get idGenerator() {
    return this.tracing.idGenerator;
  }

  /** How AgentOps' spans reach the app's tracing (see `AgentOpsTracing`). */
  get tracingMode(): TracingMode {
    this.tracing.target();
    return this.tracing.mode;
  }

  /** The preload's flavour, handed to child processes (see children.ts). */
  get preload(): 'require' | 'import' | undefined {
    return (globalThis as SdkHooks)[PRELOAD];
  }

  startSession(options: StartSessionOptions & { sessionConfig?: Configuration } = {}): Session {
    const own = this.cfg.disabled ? undefined : this.sessionConfig(options.sessionConfig);
    // Known (and routed to its pipeline) before its root span starts: the session span goes where its events go.
    const session = new Session(this, { ...options, config: own, deferred: true });
    if (own) {
      const pipeline = this.pipelineFor(own);
      if (pipeline !== this.processor) this.pipelineOf.set(session, pipeline);
      if (own.captureContent !== this.cfg.captureContent || own.maxFieldSize !== this.cfg.maxFieldSize) this.publishSessionSettings();
    }
    this.live.set(session.id, session);
    this.all.set(session.id, session);
    if (!options.deferred) session._announce();
    return session;
  }

  ensureContext(): void {
    this.tracing.ensureContext();
  }

  sessionAnnounced(session: Session): void {
    if (!this.config.disabled) {
      logger.info(`session ${session.id} ${session.inherited ? 'joined' : 'started'}: ${this.sessionUrl(session.id)}`);
    }
  }

  sessionEnded(session: Session): void {
    this.live.delete(session.id);
  }

  liveSessions(): Session[] {
    return [...this.live.values()];
  }

  getSession(id: string): Session | undefined {
    return this.all.get(id);
  }

  /**
   * The session that owns work done in `ctx`: the one bound to the context (`session.run`), else the only
   * live session; with several live and none bound, none (and one warning).
   */
  currentSession(ctx: Context = context.active()): Session | undefined {
    const bound = sessionFromContext(ctx);
    if (bound) return bound;
    if (this.live.size === 1) return this.live.values().next().value;
    if (this.live.size > 1) {
      logger.once(
        'warn',
        'ambiguous-session',
        `${this.live.size} sessions are live and none is bound to this async context, so this event belongs to none. Record through session.record(), or run the work inside session.run().`,
      );
    }
    return undefined;
  }

  /** Where an LLM span without a parent of its own hangs: the current session's root. */
  private sessionContextForInstrumentation(): Context | undefined {
    const s = this.currentSession();
    if (!s || s.ended) return undefined;
    s._announce();
    return s._context;
  }

  private countEventSpan(span: ReadableSpan, kind: 'llm' | 'tool' | 'action' | 'error'): void {
    const attr = span.attributes[ATTR_SESSION_ID];
    const id = typeof attr === 'string' ? attr : traceIdToUuid(span.spanContext().traceId);
    const session = this.all.get(id);
    if (!session) return;
    if (kind === 'llm') session.count('llms', llmCostOf(span.attributes));
    else session.count(kind === 'tool' ? 'tools' : kind === 'action' ? 'actions' : 'errors');
  }

  /** The AgentOps API client, when an API key is configured. */
  apiClient(): AgentOpsApiClient | undefined {
    const e = this.processor.exporter;
    return e instanceof AgentOpsExporter ? e.api : undefined;
  }

  /** @internal the exporter tells us the server's cost of a session */
  setServerCost(sessionId: string, cost: string): void {
    this.serverCosts.set(sessionId, cost);
  }

  serverCost(sessionId: string): string | undefined {
    return this.serverCosts.get(sessionId);
  }

  sessionUrl(sessionId: string): string {
    return `${this.config.endpoint}/sessions/${sessionId}`;
  }

  /** Bounded so that endSession() resolves within maxWaitTime + 5 s even against a hanging server. */
  flush(timeoutMs: number = this.config.maxWaitTime + 4500): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    // A referenced timer: while someone awaits a flush (endSession, beforeExit), the process stays alive
    // until the flush ends or the time is up, instead of exiting mid-await (exit code 13 for a top-level
    // await) because our retry timers are unreferenced.
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    // Our provider may also hold the OTLP processor of OTEL_EXPORTER_OTLP_ENDPOINT: flush it too — directly,
    // not through the provider's forceFlush, whose own 30 s timer would keep a finished process alive.
    const flushing = Promise.all([
      ...this.allProcessors().map((p) => p.forceFlush().catch(() => undefined)),
      ...this.tracing.otherProcessors.map((p) => p.forceFlush().catch(() => undefined)),
    ]).then(() => undefined);
    return Promise.race([flushing, timeout]).finally(() => clearTimeout(timer));
  }

  /** Spans dropped so far (queue full, export given up); each drop was also reported in a warning. */
  droppedCount(): number {
    return this.allProcessors().reduce((n, p) => n + p.droppedCount(), 0);
  }

  async shutdown(): Promise<void> {
    this.removeHooks?.();
    this.removeHooks = undefined;
    this.disableInstrumentations?.();
    this.disableInstrumentations = undefined;
    this.unfollowChildren?.();
    this.unfollowChildren = undefined;
    delete (globalThis as SdkHooks)[SESSION_CONTEXT];
    Object.defineProperty(globalThis, GENAI_SETTINGS, { value: undefined, configurable: true, writable: true });
    delete (globalThis as SdkHooks)[GENAI_SETTINGS];
    for (const s of this.live.values()) s._end('Indeterminate', 'N/A (AgentOps was shut down)');
    await this.flush();
    // The flush above already gave deliveries their bounded time; a session still being created against a
    // server that is down must not hold shutdown() for its whole retry budget (30 s).
    for (const p of this.allProcessors()) p.exporter.abandon?.();
    await Promise.all([...this.pipelines.values()].map((p) => p.shutdown().catch(() => undefined)));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
    });
    await Promise.race([this.tracing.shutdown().catch(() => undefined), late]).finally(() => clearTimeout(timer));
  }
}

/** How long shutdown() waits for the tracer provider once the flush is over. */
const SHUTDOWN_GRACE_MS = 1000;

const STATE = Symbol.for('agentops.otel.client');
/** Read by the instrumentations (see @agentops/instrumentation-utils), so they need not import the SDK. */
const SESSION_CONTEXT = Symbol.for('agentops.sessionContext');
/** The SDK's resolved settings, which every instrumentation follows (see instrumentation-utils' config). */
const GENAI_SETTINGS = Symbol.for('agentops.genAiSettings');
/** Set by the preloads before they call init. */
export const PRELOAD = Symbol.for('agentops.preload');
type SdkHooks = {
  [SESSION_CONTEXT]?: () => Context | undefined;
  [GENAI_SETTINGS]?: Readonly<{ captureContent: boolean; maxFieldSize: number; streamUsage: boolean }>;
  [PRELOAD]?: 'require' | 'import';
};
type GlobalState = { [STATE]?: AgentOpsClient };

export function getClient(): AgentOpsClient | undefined {
  return (globalThis as GlobalState)[STATE];
}

export function setClient(c: AgentOpsClient | undefined): void {
  (globalThis as GlobalState)[STATE] = c;
}
