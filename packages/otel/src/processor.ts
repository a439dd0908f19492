import { trace, type Attributes, type Context, type Span as ApiSpan } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_AGENT_ID, ATTR_LLM_NESTED, ATTR_SESSION_ID, ATTR_SPAN_KIND, GEN_AI_OPERATION_NAME, spanKindOf, spanToUuid, type AgentOpsSpanKind } from '@agentops/model';
import { DROP_REPORT_INTERVAL_MS, logger } from './logger.js';
import { resolveConfig } from './config.js';
import { AgentOpsExporter } from './exporter/exporter.js';
import { SameCallResolver } from './same-call.js';

function exporterFromEnv(): SpanExporter & AgentOpsExporterHooks {
  const cfg = resolveConfig({});
  if (cfg.apiKey) return new AgentOpsExporter({ endpoint: cfg.endpoint, apiKey: cfg.apiKey });
  logger.once('warn', 'no-api-key', 'no API key (AGENTOPS_API_KEY): the AgentOpsSpanProcessor sends nothing.');
  return { export: (_s, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => {} };
}

/**
 * A `SpanExporter` that can also take part in AgentOps' session life cycle. Both hooks are optional, so any
 * OpenTelemetry exporter plugs in.
 */
export interface AgentOpsExporterHooks {
  /** A session span has started: announce it now, not when it ends. */
  onSessionStart?(span: ReadableSpan): void;
  /**
   * Hands over what is pending while the process is exiting (`process.exit`, where only synchronous
   * code runs). Must finish before it returns.
   */
  exportSync?(spans: ReadableSpan[]): void;
  /** Events this exporter had to give up on (server unreachable past the retry window, refused...). */
  getDroppedCount?(): number;
  /** The process is ending and its time to deliver is up: stop sending and retrying (what is left is dropped). */
  abandon?(): void;
}

/** What the SDK core tells the processor about sessions. */
export interface SessionHooks {
  /**
   * The session a span started in `ctx` belongs to (context, else the only live one). `llm`: the span is a
   * call to a model, which announces a session that was waiting for its first use.
   */
  sessionIdFor(ctx: Context, llm: boolean): string | undefined;
  /**
   * An event span ended (recorded, or made by an instrumentation or framework): count it in its session's
   * analytics. The one counting path: nested LLM spans (the same call seen by another layer) never come here.
   */
  onEventSpan(span: ReadableSpan, kind: Exclude<AgentOpsSpanKind, 'session' | 'agent'>): void;
}

export interface AgentOpsSpanProcessorOptions {
  /**
   * Where the spans go. Default: the AgentOps exporter configured from the environment
   * (`AGENTOPS_API_KEY`, `AGENTOPS_API_ENDPOINT`).
   */
  exporter?: SpanExporter & AgentOpsExporterHooks;
  /** Spans held for export at most; past it new spans are dropped and counted. Default 2048. */
  maxQueueSize?: number;
  /** Longest time a span waits before it is exported, ms. Default 2000. */
  maxWaitTime?: number;
  /** Spans per export call. Default 512. */
  maxExportBatchSize?: number;
  /** @internal the SDK's own processor, not one the app created for its provider */
  internal?: boolean;
}

const registry = new Set<AgentOpsSpanProcessor>();

/** Batches exported at once: one on the wire while the next is converted and serialised. */
const MAX_EXPORTS_IN_FLIGHT = 2;
/** Marks AgentOps processors (of any build of this package loaded in the process). */
const PROCESSOR_MARK = Symbol.for('agentops.spanProcessor');

/** True for an AgentOps span processor, whichever copy of the package made it. */
export function isAgentOpsProcessor(p: unknown): boolean {
  return typeof p === 'object' && p !== null && (p as Record<symbol, unknown>)[PROCESSOR_MARK] === true;
}

/** The SDK's own processor, once `init` ran (see client.ts: the state lives on `globalThis`). */
function sdkProcessor(): AgentOpsSpanProcessor | undefined {
  return (globalThis as { [k: symbol]: { processor?: AgentOpsSpanProcessor } | undefined })[Symbol.for('agentops.otel.client')]?.processor;
}

/**
 * Batches the spans that matter to AgentOps (sessions, events, LLM spans of any instrumentation) and passes
 * them to an exporter; everything else (HTTP, DB spans...) is passed over at once. It can be added to a
 * tracer provider the app already has. Memory is bounded by `maxQueueSize`; whatever has to be dropped is
 * counted ({@link AgentOpsSpanProcessor.droppedCount}) and reported, never lost silently.
 */
export class AgentOpsSpanProcessor implements SpanProcessor {
  readonly [PROCESSOR_MARK] = true;
  private _exporter: SpanExporter & AgentOpsExporterHooks;
  /**
   * Made without an exporter after `init` (a preload ran before the app's SDK): the SDK's processor, to which
   * this one hands everything, so there is one AgentOps pipeline per process.
   */
  private readonly forward: AgentOpsSpanProcessor | undefined;
  private maxQueueSize: number;
  private maxWaitTime: number;
  private batchSize: number;
  private queue: ReadableSpan[] = [];
  /** The batches being exported, by their export. */
  private readonly inFlight = new Map<Promise<void>, ReadableSpan[]>();
  private timer: NodeJS.Timeout | undefined;
  private dropped = 0;
  private failed = 0;
  private isShutdown = false;
  private readonly sameCall = new SameCallResolver();
  /** @internal set by the SDK core when it uses this processor */
  sessionHooks: SessionHooks | undefined;
  /**
   * @internal set by the SDK core once a session has a configuration of its own: the processor that handles a
   * span (the pipeline of its session's key and endpoint), when it is not this one.
   */
  route: ((span: ReadableSpan, ctx?: Context) => AgentOpsSpanProcessor | undefined) | undefined;

  constructor(options: AgentOpsSpanProcessorOptions = {}) {
    this.forward = options.exporter || options.internal ? undefined : sdkProcessor();
    this._exporter = options.exporter ?? this.forward?.exporter ?? exporterFromEnv();
    this.maxQueueSize = options.maxQueueSize ?? 2048;
    this.maxWaitTime = options.maxWaitTime ?? 2000;
    this.batchSize = Math.min(options.maxExportBatchSize ?? 512, this.maxQueueSize);
    if (!options.internal && !this.forward) registry.add(this);
  }

  /** Where the spans go. */
  get exporter(): SpanExporter & AgentOpsExporterHooks {
    return this._exporter;
  }

  /** @internal the app's own init() replaced the preload's configuration before anything was queued */
  _reconfigure(exporter: SpanExporter & AgentOpsExporterHooks, maxQueueSize: number, maxWaitTime: number): void {
    const old = this._exporter;
    this._exporter = exporter;
    this.maxQueueSize = maxQueueSize;
    this.maxWaitTime = maxWaitTime;
    this.batchSize = Math.min(512, maxQueueSize);
    void old.shutdown().catch(() => undefined);
  }

  /** Processors the app created (and not shut down), so `init` can reuse one it put in its own provider. */
  static created(): readonly AgentOpsSpanProcessor[] {
    return [...registry];
  }

  /** Spans dropped because the queue was full, plus spans the exporter gave up on. */
  droppedCount(): number {
    if (this.forward) return this.forward.droppedCount();
    return this.dropped + this.failed + (this.exporter.getDroppedCount?.() ?? 0);
  }

  onStart(span: Span, parentContext: Context): void {
    if (this.forward) return this.forward.onStart(span, parentContext);
    if (this.route) {
      const target = this.route(span, parentContext);
      if (target && target !== this) return target.onStart(span, parentContext);
    }
    const attrs = span.attributes;
    const kind = spanKindOf(attrs);
    if (kind === 'session') {
      try {
        this.exporter.onSessionStart?.(span);
      } catch (e) {
        logger.debug(`exporter.onSessionStart failed: ${String(e)}`);
      }
      return;
    }
    if ((kind !== undefined || attrs[GEN_AI_OPERATION_NAME] !== undefined) && attrs[ATTR_AGENT_ID] === undefined) {
      // Agents of other instrumentations (`invoke_agent`...) get an id, and events inside an agent belong to it
      // (through GenAI spans that are no event themselves, such as an agent's step). HTTP and other spans: no lookup.
      const parent = trace.getSpan(parentContext) as (ApiSpan & { attributes?: Attributes }) | undefined;
      const inherited = parent?.attributes?.[ATTR_AGENT_ID];
      if (inherited !== undefined) span.setAttribute(ATTR_AGENT_ID, inherited);
      else if (kind === 'agent') span.setAttribute(ATTR_AGENT_ID, spanToUuid(span.spanContext().traceId, span.spanContext().spanId));
    }
    if (attrs[ATTR_SESSION_ID] === undefined && this.sessionHooks) {
      // Any instrumentation's span (a model call or not): tied to the session it runs in, even when it is not in
      // the session's trace (an HTTP request's trace, say). Our own event spans already carry theirs. A model
      // call, tool call or agent of a framework is a first use of a session that waited for one.
      const sessionId = this.sessionHooks.sessionIdFor(parentContext, kind !== undefined);
      if (sessionId) span.setAttribute(ATTR_SESSION_ID, sessionId);
    }
    if (kind === 'llm') this.sameCall.onLlmStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (this.forward) return this.forward.onEnd(span);
    if (this.route) {
      const target = this.route(span);
      if (target && target !== this) return target.onEnd(span);
    }
    const attrs = span.attributes;
    const kind = spanKindOf(attrs);
    if (kind === undefined) return;
    if (kind === 'llm') this.sameCall.onEnd(span);
    if (kind !== 'session' && kind !== 'agent' && attrs[ATTR_LLM_NESTED] !== true) this.sessionHooks?.onEventSpan(span, kind);
    if (this.isShutdown) {
      this.drop(1, 'the processor was shut down');
      return;
    }
    if (this.queue.length >= this.maxQueueSize) {
      this.drop(1, `the export queue is full (maxQueueSize ${this.maxQueueSize})`);
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.batchSize) void this.exportNext();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.exportNext();
      }, this.maxWaitTime);
      this.timer.unref();
    }
  }

  private drop(n: number, why: string): void {
    this.dropped += n;
    logger.every('warn', `drop:${why}`, DROP_REPORT_INTERVAL_MS, `${this.dropped} span(s) dropped so far: ${why}. See agentops.getDroppedEventCount().`);
  }

  /**
   * Exports the next batch, with at most {@link MAX_EXPORTS_IN_FLIGHT} in flight: the next batch is converted and
   * serialised while the server stores the one before, and a slow server never has more than two. Resolves when
   * this batch is done, or — with nothing to start — when one in flight is.
   */
  private exportNext(): Promise<void> {
    if (this.queue.length === 0 || this.inFlight.size >= MAX_EXPORTS_IN_FLIGHT) {
      return this.inFlight.size > 0 ? Promise.race(this.inFlight.keys()) : Promise.resolve();
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.queue.splice(0, this.batchSize);
    const send = (): Promise<void> =>
      new Promise<void>((resolve) => {
        const done = (result: ExportResult): void => {
          if (result.code !== ExportResultCode.SUCCESS) {
            this.failed += batch.length;
            logger.every('warn', 'drop:export', DROP_REPORT_INTERVAL_MS, `${this.failed} span(s) could not be exported so far: ${result.error?.message ?? 'export failed'}.`);
          }
          resolve();
        };
        try {
          this.exporter.export(batch, done);
        } catch (e) {
          done({ code: ExportResultCode.FAILED, error: e instanceof Error ? e : new Error(String(e)) });
        }
      });
    // A session's end goes out after every batch before it, so the server's cost of the session counts them all.
    const earlier = this.inFlight.size > 0 && batch.some((span) => span.attributes[ATTR_SPAN_KIND] === 'session') ? [...this.inFlight.keys()] : undefined;
    const exported: Promise<void> = (earlier ? Promise.all(earlier).then(send) : send()).then(() => {
      this.inFlight.delete(exported);
      if (this.queue.length >= this.batchSize) void this.exportNext();
      else if (this.queue.length > 0 && !this.timer && !this.isShutdown) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          void this.exportNext();
        }, this.maxWaitTime);
        this.timer.unref();
      }
    });
    this.inFlight.set(exported, batch);
    if (this.queue.length >= this.batchSize) void this.exportNext();
    return exported;
  }

  /** True when spans are queued or being exported. */
  hasPending(): boolean {
    if (this.forward) return this.forward.hasPending();
    return this.queue.length > 0 || this.inFlight.size > 0;
  }

  /** Exports everything queued now and waits for it. */
  async forceFlush(): Promise<void> {
    if (this.forward) return this.forward.forceFlush();
    while (this.queue.length > 0 || this.inFlight.size > 0) await this.exportNext();
    try {
      await this.exporter.forceFlush?.();
    } catch (e) {
      logger.debug(`exporter.forceFlush failed: ${String(e)}`);
    }
  }

  /**
   * Synchronous hand-off of everything pending, for the process's `exit` event where no promise will ever
   * settle. The batch in flight is handed over again: the server de-duplicates by event id.
   */
  flushSync(): void {
    if (this.forward) return this.forward.flushSync();
    const pending = [...[...this.inFlight.values()].flat(), ...this.queue];
    this.queue = [];
    this.inFlight.clear();
    if (pending.length === 0) return;
    if (!this.exporter.exportSync) {
      logger.debug(`${pending.length} span(s) pending at exit; the exporter cannot send synchronously.`);
      return;
    }
    try {
      this.exporter.exportSync(pending);
    } catch (e) {
      this.failed += pending.length;
      logger.warn(`${pending.length} span(s) could not be handed over at exit: ${String(e)}`);
    }
  }

  async shutdown(): Promise<void> {
    // The SDK's pipeline outlives the app's provider: sessions may still end after it.
    if (this.forward) return this.forward.forceFlush();
    if (this.isShutdown) return;
    await this.forceFlush();
    this.isShutdown = true;
    registry.delete(this);
    if (this.dropped + this.failed > 0) logger.warn(`${this.dropped + this.failed} span(s) were dropped in all.`);
    await this.exporter.shutdown();
  }
}
