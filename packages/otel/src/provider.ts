import {
  context,
  createContextKey,
  propagation,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  trace,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createRequire } from 'node:module';
import { SessionIdGenerator } from './id-generator.js';
import { SDK_NAME, SDK_VERSION } from './host-env.js';
import { logger } from './logger.js';
import type { AgentOpsSpanProcessor } from './processor.js';

/** How our spans are made and where they go. */
export interface Tracing {
  tracer: Tracer;
  /** Our provider; undefined when disabled. */
  provider: NodeTracerProvider | undefined;
  idGenerator: SessionIdGenerator | undefined;
  /** How AgentOps joined the app's tracing: see {@link setupTracing}. */
  mode: 'disabled' | 'global' | 'attached' | 'user-processor' | 'private';
  shutdown(): Promise<void>;
}

/** The provider the app registered globally, if any (the API's proxy hides it). */
export function registeredTracerProvider(): TracerProvider | undefined {
  const global = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  const delegate = typeof global.getDelegate === 'function' ? global.getDelegate() : global;
  return delegate.constructor?.name === 'NoopTracerProvider' ? undefined : delegate;
}

/** True when a context manager is registered that carries values across calls (none is a no-op). */
function contextManagerWorks(): boolean {
  const key = createContextKey('agentops.context-probe');
  return context.with(ROOT_CONTEXT.setValue(key, true), () => context.active().getValue(key) === true);
}

/**
 * Sets up tracing without ever replacing what the app registered:
 * - no global provider: ours (a `NodeTracerProvider`) is registered, so every instrumentation's spans reach
 *   AgentOps (`global`);
 * - the app's provider already holds an `AgentOpsSpanProcessor` it created: that processor is used
 *   (`user-processor`);
 * - the app's provider accepts `addSpanProcessor` (OpenTelemetry 1.x): ours is added to it (`attached`);
 * - otherwise our provider stays private (`private`): sessions and events still reach AgentOps, the app's
 *   own instrumentations' spans only if it adds an `AgentOpsSpanProcessor` itself.
 * Session and event spans always come from our provider, whose id generator gives sessions their ids.
 */
export function setupTracing(processor: AgentOpsSpanProcessor, reusedUserProcessor: boolean, disabled: boolean): Tracing {
  if (disabled) {
    // A proxy provider without a delegate hands out the API's no-op tracer: spans that record nothing.
    return { tracer: new ProxyTracerProvider().getTracer(SDK_NAME), provider: undefined, idGenerator: undefined, mode: 'disabled', shutdown: async () => {} };
  }
  const idGenerator = new SessionIdGenerator();
  const provider = new NodeTracerProvider({ idGenerator, spanProcessors: [processor, ...otlpProcessorsFromEnv()] });
  const tracer = provider.getTracer(SDK_NAME, SDK_VERSION);
  const existing = registeredTracerProvider();

  let registeredContext = false;
  if (!contextManagerWorks()) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    registeredContext = true;
  }

  if (!existing) {
    trace.setGlobalTracerProvider(provider);
    let registeredPropagator = false;
    if (propagation.fields().length === 0) {
      propagation.setGlobalPropagator(
        new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
      );
      registeredPropagator = true;
    }
    return {
      tracer,
      provider,
      idGenerator,
      mode: 'global',
      async shutdown() {
        trace.disable();
        if (registeredPropagator) propagation.disable();
        if (registeredContext) context.disable();
        await provider.shutdown();
      },
    };
  }

  let mode: Tracing['mode'] = 'private';
  if (reusedUserProcessor) mode = 'user-processor';
  else if (typeof (existing as { addSpanProcessor?: unknown }).addSpanProcessor === 'function') {
    (existing as unknown as { addSpanProcessor(p: AgentOpsSpanProcessor): void }).addSpanProcessor(processor);
    mode = 'attached';
  } else {
    logger.debug(
      'an OpenTelemetry tracer provider is already registered; AgentOps keeps its own beside it. Add an AgentOpsSpanProcessor to your provider to send its LLM spans to AgentOps too.',
    );
  }
  return {
    tracer,
    provider,
    idGenerator,
    mode,
    async shutdown() {
      if (registeredContext) context.disable();
      // The app owns a processor it created; ours we shut down with our provider.
      if (mode === 'user-processor') await provider.forceFlush();
      else await provider.shutdown();
    },
  };
}


/**
 * `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_TRACES_EXPORTER=otlp`: our spans
 * (sessions, events, LLM calls) also go to that OTLP/HTTP endpoint, so they land in the app's own tracing
 * backend. The exporter is loaded only then.
 */
function otlpProcessorsFromEnv(env: Record<string, string | undefined> = process.env): SpanProcessor[] {
  const wanted =
    !!env.OTEL_EXPORTER_OTLP_ENDPOINT ||
    !!env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
    (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim()).includes('otlp');
  if (!wanted) return [];
  try {
    const req = createRequire(import.meta.url);
    const { OTLPTraceExporter } = req('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
    return [new BatchSpanProcessor(new OTLPTraceExporter())];
  } catch (e) {
    logger.warn(`OTLP export was asked for in the environment but could not be set up: ${String(e)}`);
    return [];
  }
}
