import {
  context,
  createContextKey,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerOptions,
  type TracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BatchSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createRequire } from 'node:module';
import { SessionIdGenerator } from './id-generator.js';
import { SDK_NAME, SDK_VERSION } from './host-env.js';
import { logger } from './logger.js';
import { isAgentOpsProcessor, type AgentOpsSpanProcessor } from './processor.js';

/**
 * How AgentOps' spans (sessions, events, our instrumentations' LLM calls) are made:
 * - `private`: by our own provider, which holds the AgentOps processor (and OTLP processors from the env);
 * - `joined`: by the provider the app registered, to which the AgentOps processor was added (or already in
 *   it), so the app's own exporters receive every session and event span with a complete parent chain;
 * - `disabled`: no-op spans (`OTEL_SDK_DISABLED`).
 */
export type TracingMode = 'disabled' | 'private' | 'joined';

/** What a `ProxyTracerProvider` holds until somebody registers: the API's no-op provider. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

type ProviderInternals = TracerProvider & {
  addSpanProcessor?: (p: SpanProcessor) => void;
  _activeSpanProcessor?: { _spanProcessors?: SpanProcessor[] };
  getActiveSpanProcessor?: () => { _spanProcessors?: SpanProcessor[] };
};
type TracerInternals = Tracer & { _idGenerator?: { generateSpanId?: unknown } };

/** The processors of an SDK provider (1.x and 2.x keep them in a `MultiSpanProcessor`). */
function processorsOf(provider: ProviderInternals): SpanProcessor[] | undefined {
  const multi = provider._activeSpanProcessor ?? provider.getActiveSpanProcessor?.();
  return Array.isArray(multi?._spanProcessors) ? multi._spanProcessors : undefined;
}

/**
 * Our processor as the app's provider sees it: the app's `shutdown()` flushes AgentOps but does not end it
 * (sessions may still end after the app shut its tracing down; our own shutdown ends it).
 */
class JoinedProcessor implements SpanProcessor {
  // An init() after a shutdown() joins the same provider again: the processor already in it is given the new target.
  constructor(public target: AgentOpsSpanProcessor) {}
  onStart(span: Parameters<SpanProcessor['onStart']>[0], ctx: Context): void {
    this.target.onStart(span, ctx);
  }
  onEnd(span: ReadableSpan): void {
    this.target.onEnd(span);
  }
  forceFlush(): Promise<void> {
    return this.target.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.target.forceFlush();
  }
}

const probeKey = createContextKey('agentops.context-probe');

/** True when a context manager is registered that carries values across calls (none is a no-op). */
function contextManagerWorks(): boolean {
  return context.with(ROOT_CONTEXT.setValue(probeKey, true), () => context.active().getValue(probeKey) === true);
}

/**
 * AgentOps' tracing. It never registers a global tracer provider (so an app that starts its own SDK later,
 * as a `--require`/`--import` preload runs first, keeps its tracing): while none is registered our provider is
 * only the API proxy's default delegate, which the app's registration replaces. From then on — checked
 * whenever AgentOps starts a span — our spans are made by the app's provider, our processor added to it.
 */
export class AgentOpsTracing {
  readonly idGenerator: SessionIdGenerator | undefined;
  /** Our own provider; undefined when disabled. */
  readonly provider: NodeTracerProvider | undefined;
  /** The other processors of our provider (OTLP export from the environment), flushed with ours. */
  readonly otherProcessors: SpanProcessor[];
  /** What our instrumentations are given: tracers that follow the app's provider once it is registered. */
  readonly tracerProvider: TracerProvider;
  /** AgentOps' own tracer (sessions and events). */
  readonly tracer: Tracer;
  private joined: TracerProvider | undefined;
  private refused: TracerProvider | undefined;
  private defaultDelegateSet = false;
  private contextChecked = false;
  private ownsContext = false;

  constructor(
    private readonly processor: AgentOpsSpanProcessor,
    disabled: boolean,
  ) {
    if (disabled) {
      this.otherProcessors = [];
      this.provider = undefined;
      this.idGenerator = undefined;
      this.tracerProvider = new ProxyTracerProvider();
      this.tracer = this.tracerProvider.getTracer(SDK_NAME);
      return;
    }
    this.idGenerator = new SessionIdGenerator();
    this.otherProcessors = otlpProcessorsFromEnv();
    this.provider = new NodeTracerProvider({ idGenerator: this.idGenerator, spanProcessors: [processor, ...this.otherProcessors] });
    this.tracerProvider = { getTracer: (name, version, options) => new FollowingTracer(this, name, version, options) };
    this.tracer = this.tracerProvider.getTracer(SDK_NAME, SDK_VERSION);
    const global = trace.getTracerProvider();
    if (global instanceof ProxyTracerProvider && global.getDelegate() === NOOP_PROVIDER) {
      // Not a registration: the app's own `setGlobalTracerProvider` still succeeds and replaces it.
      global.setDelegate(this.provider);
      this.defaultDelegateSet = true;
    }
    this.target();
  }

  get mode(): TracingMode {
    if (!this.provider) return 'disabled';
    return this.joined ? 'joined' : 'private';
  }

  /** The provider our spans come from now: the app's once it registered one we could join, else ours. */
  target(): TracerProvider {
    if (this.joined) return this.joined;
    const own = this.provider;
    if (!own) return this.tracerProvider;
    const app = registeredTracerProvider();
    if (!app || app === own || app === this.refused) return own;
    if (this.join(app as ProviderInternals)) {
      this.joined = app;
      return app;
    }
    this.refused = app;
    return own;
  }

  private join(app: ProviderInternals): boolean {
    // Session ids are trace ids we choose: our tracer in the app's provider must use our id generator.
    const tracer = app.getTracer(SDK_NAME, SDK_VERSION) as TracerInternals;
    if (typeof tracer._idGenerator?.generateSpanId !== 'function') {
      logger.info(
        "an OpenTelemetry tracer provider is registered that AgentOps cannot join; sessions and events go to AgentOps only. Add an AgentOpsSpanProcessor to it to send its LLM spans too.",
      );
      return false;
    }
    const processors = processorsOf(app);
    const earlier = processors?.find((p): p is JoinedProcessor => p instanceof JoinedProcessor);
    if (earlier) earlier.target = this.processor;
    else if (!processors?.some(isAgentOpsProcessor)) {
      if (typeof app.addSpanProcessor === 'function') app.addSpanProcessor(new JoinedProcessor(this.processor));
      else if (processors) processors.push(new JoinedProcessor(this.processor));
      else {
        logger.info("the app's OpenTelemetry tracer provider takes no span processor; AgentOps keeps its own beside it.");
        return false;
      }
    }
    tracer._idGenerator = this.idGenerator;
    logger.info("joined the app's OpenTelemetry tracer provider: its exporters receive AgentOps sessions, events and LLM spans too.");
    return true;
  }

  /**
   * Registers a context manager if none works yet, at the first moment one is needed (so an app that sets
   * up its SDK after the preload registers its own).
   */
  ensureContext(): void {
    if (this.contextChecked || !this.provider) return;
    this.contextChecked = true;
    if (contextManagerWorks()) return;
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    this.ownsContext = true;
  }

  async shutdown(): Promise<void> {
    if (this.defaultDelegateSet) {
      const global = trace.getTracerProvider();
      if (global instanceof ProxyTracerProvider && global.getDelegate() === this.provider) global.setDelegate(NOOP_PROVIDER);
    }
    if (this.ownsContext) context.disable();
    await this.provider?.shutdown();
  }
}

/** A tracer of one scope that starts each span in the provider AgentOps uses at that moment. */
class FollowingTracer implements Tracer {
  private from: TracerProvider | undefined;
  private tracer: Tracer | undefined;

  constructor(
    private readonly tracing: AgentOpsTracing,
    private readonly name: string,
    private readonly version: string | undefined,
    private readonly options: TracerOptions | undefined,
  ) {}

  private current(): Tracer {
    const provider = this.tracing.target();
    if (provider !== this.from || !this.tracer) {
      this.from = provider;
      this.tracer = provider.getTracer(this.name, this.version, this.options);
    }
    return this.tracer;
  }

  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    return this.current().startSpan(name, options, ctx);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const t = this.current() as { startActiveSpan(name: string, ...args: unknown[]): ReturnType<F> };
    return t.startActiveSpan(name, ...rest);
  }
}

/** The provider the app registered globally, if any (the API's proxy hides it). */
export function registeredTracerProvider(): TracerProvider | undefined {
  const global = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  const delegate = typeof global.getDelegate === 'function' ? global.getDelegate() : global;
  return delegate === NOOP_PROVIDER || delegate.constructor?.name === 'NoopTracerProvider' ? undefined : delegate;
}

/**
 * `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_TRACES_EXPORTER=otlp`: our spans
 * (sessions, events, LLM calls) also go to that OTLP/HTTP endpoint, so they land in the app's own tracing
 * backend. The exporter (`@opentelemetry/exporter-trace-otlp-http`, an optional peer) is loaded only then.
 */
function otlpProcessorsFromEnv(env: Record<string, string | undefined> = process.env): SpanProcessor[] {
  const wanted =
    !!env.OTEL_EXPORTER_OTLP_ENDPOINT ||
    !!env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
    (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim()).includes('otlp');
  if (!wanted) return [];
  try {
    const req = createRequire(`${process.cwd()}/`);
    let mod: typeof import('@opentelemetry/exporter-trace-otlp-http');
    try {
      mod = req('@opentelemetry/exporter-trace-otlp-http') as typeof mod;
    } catch {
      mod = createRequire(import.meta.url)('@opentelemetry/exporter-trace-otlp-http') as typeof mod;
    }
    return [new BatchSpanProcessor(new mod.OTLPTraceExporter())];
  } catch (e) {
    logger.warn(
      `OTLP export was asked for in the environment, but @opentelemetry/exporter-trace-otlp-http could not be loaded (npm install @opentelemetry/exporter-trace-otlp-http): ${String(e)}`,
    );
    return [];
  }
}
