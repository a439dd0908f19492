import { context, type Context } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SESSION_ID, llmCostOf, traceIdToUuid } from '@agentops/model';
import { isMainThread } from 'node:worker_threads';
import { resolveConfig, type InitOptions, type ResolvedConfig } from './config.js';
import { sessionFromContext } from './context.js';
import { enableInstrumentations } from './instrumentations.js';
import { installProcessHooks } from './lifecycle.js';
import { logger } from './logger.js';
import { AgentOpsApiClient } from './exporter/api-client.js';
import { AgentOpsExporter } from './exporter/exporter.js';
import { AgentOpsSpanProcessor } from './processor.js';
import { setupTracing, type Tracing } from './provider.js';
import { Session, type SessionHost, type StartSessionOptions } from './session.js';

/** The AgentOps exporter when an API key is configured; none otherwise. */
export function defaultExporter(cfg: ResolvedConfig): AgentOpsExporter | undefined {
  return cfg.apiKey && !cfg.disabled ? new AgentOpsExporter({ endpoint: cfg.endpoint, apiKey: cfg.apiKey }) : undefined;
}

/** Exporter used when there is nowhere to send spans (no API key): sessions still work locally. */
export class DiscardingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (r: { code: ExportResultCode }) => void): void {
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

/**
 * The SDK's state for the process: configuration, tracing, live sessions, process hooks. One per process,
 * kept on `globalThis` so the ESM and CommonJS builds loaded side by side share it.
 */
export class AgentOpsClient implements SessionHost {
  readonly config: ResolvedConfig;
  readonly processor: AgentOpsSpanProcessor;
  private readonly tracing: Tracing;
  private readonly live = new Map<string, Session>();
  private readonly all = new Map<string, Session>();
  private readonly serverCosts = new Map<string, string>();
  private removeHooks: (() => void) | undefined;
  private disableInstrumentations: (() => void) | undefined;

  constructor(options: InitOptions) {
    this.config = resolveConfig(options);
    const cfg = this.config;
    const userProcessor = AgentOpsSpanProcessor.created()[0];
    let exporter = cfg.exporter ?? defaultExporter(cfg);
    if (exporter instanceof AgentOpsExporter) {
      exporter.listener = {
        onSessionCreated: (id, projectId) => {
          const s = this.all.get(id);
          if (s && projectId) s.projectId = projectId;
        },
        onSessionCost: (id, cost) => this.setServerCost(id, cost),
      };
    }
    if (!exporter && !userProcessor) {
      if (!cfg.disabled) logger.once('warn', 'no-api-key', 'no API key (AGENTOPS_API_KEY): sessions are kept locally and nothing is sent.');
      exporter = new DiscardingExporter();
    }
    this.processor =
      userProcessor && !cfg.exporter
        ? userProcessor
        : new AgentOpsSpanProcessor({ exporter: exporter!, maxQueueSize: cfg.maxQueueSize, maxWaitTime: cfg.maxWaitTime, internal: true });
    this.processor.sessionHooks = {
      sessionIdFor: (ctx) => this.currentSession(ctx)?.id,
      onForeignLlmSpan: (span) => this.countForeignLlmSpan(span),
    };
    this.tracing = setupTracing(this.processor, this.processor === userProcessor, cfg.disabled);
    if (!cfg.disabled) {
      (globalThis as SessionContextHolder)[SESSION_CONTEXT] = () => this.sessionContextForInstrumentation();
      if (cfg.instrumentLlmCalls) {
        // In 'private' mode the app's global provider would not reach AgentOps: point them at ours.
        const provider = this.tracing.mode === 'private' ? this.tracing.provider : undefined;
        this.disableInstrumentations = enableInstrumentations(provider, cfg.captureContent);
      }
    }
    if (!cfg.disabled && isMainThread) {
      this.removeHooks = installProcessHooks({
        liveSessions: () => [...this.live.values()],
        hasPending: () => this.processor.hasPending(),
        flush: (ms) => this.flush(ms),
        flushSync: () => this.processor.flushSync(),
        skipAutoEndSession: cfg.skipAutoEndSession,
      });
    }
  }

  get tracer() {
    return this.tracing.tracer;
  }

  get idGenerator() {
    return this.tracing.idGenerator;
  }

  /** How AgentOps joined the app's tracing (see `setupTracing`). */
  get tracingMode(): Tracing['mode'] {
    return this.tracing.mode;
  }

  startSession(options: StartSessionOptions = {}): Session {
    const session = new Session(this, options);
    this.live.set(session.id, session);
    this.all.set(session.id, session);
    if (!this.config.disabled) {
      logger.info(`session ${session.id} ${session.inherited ? 'joined' : 'started'}: ${this.sessionUrl(session.id)}`);
    }
    return session;
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
    return s && !s.ended ? s._context : undefined;
  }

  private countForeignLlmSpan(span: ReadableSpan): void {
    const attr = span.attributes[ATTR_SESSION_ID];
    const id = typeof attr === 'string' ? attr : traceIdToUuid(span.spanContext().traceId);
    this.all.get(id)?.count('llms', llmCostOf(span.attributes));
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
    // Our provider may also hold the OTLP processor of OTEL_EXPORTER_OTLP_ENDPOINT: flush it too.
    const flushing = Promise.all([
      this.processor.forceFlush().catch(() => undefined),
      this.tracing.provider?.forceFlush().catch(() => undefined),
    ]).then(() => undefined);
    return Promise.race([flushing, timeout]).finally(() => clearTimeout(timer));
  }

  /** Spans dropped so far (queue full, export given up); each drop was also reported in a warning. */
  droppedCount(): number {
    return this.processor.droppedCount();
  }

  async shutdown(): Promise<void> {
    this.removeHooks?.();
    this.removeHooks = undefined;
    this.disableInstrumentations?.();
    this.disableInstrumentations = undefined;
    delete (globalThis as SessionContextHolder)[SESSION_CONTEXT];
    for (const s of this.live.values()) s._end('Indeterminate', 'N/A (AgentOps was shut down)');
    await this.flush();
    // The flush above already gave deliveries their bounded time; a session still being created against a
    // server that is down must not hold shutdown() for its whole retry budget (30 s).
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
type SessionContextHolder = { [SESSION_CONTEXT]?: () => Context | undefined };
type GlobalState = { [STATE]?: AgentOpsClient };

export function getClient(): AgentOpsClient | undefined {
  return (globalThis as GlobalState)[STATE];
}

export function setClient(c: AgentOpsClient | undefined): void {
  (globalThis as GlobalState)[STATE] = c;
}
