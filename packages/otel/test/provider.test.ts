import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { rootSpanIdFor } from '@agentops/model';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterEach, describe, expect, it } from 'vitest';
import * as agentops from '../src/index.js';
import { byKind, initInMemory, resetAfterEach } from './helpers.js';

resetAfterEach();

const diagMessages: string[] = [];
function captureDiag(): void {
  const push = (...args: unknown[]) => diagMessages.push(args.map(String).join(' '));
  diag.setLogger({ error: push, warn: push, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
}

afterEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
  diag.disable();
  diagMessages.length = 0;
});

const genAiAttrs = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 10 };

/** Every span's parent is among the spans (or it has none): what an app's tracing backend needs. */
function orphans(spans: ReadableSpan[]): string[] {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  return spans.filter((s) => s.parentSpanContext && !ids.has(s.parentSpanContext.spanId)).map((s) => s.name);
}

describe('the tracer provider', () => {
  it('with none registered, ours is only the default: other instrumentations reach AgentOps, and the app can still register its own', async () => {
    const { session, spans } = initInMemory();
    const delegate = (trace.getTracerProvider() as unknown as { getDelegate(): object }).getDelegate();
    expect(delegate).toBeInstanceOf(NodeTracerProvider);
    session.run(() => trace.getTracer('other').startSpan('chat gpt-4o-mini', { attributes: genAiAttrs }).end());
    const llm = (await spans()).find((s) => s.name === 'chat gpt-4o-mini');
    expect(llm?.attributes['agentops.session.id']).toBe(session.id);
    // The preload runs first: an app SDK started afterwards must still win the global registration.
    const appProvider = new NodeTracerProvider();
    expect(trace.setGlobalTracerProvider(appProvider)).toBe(true);
    await agentops.shutdown();
    expect((trace.getTracerProvider() as unknown as { getDelegate(): object }).getDelegate()).toBe(appProvider);
  });

  it("joins the app's provider: its exporter gets the session, events and LLM spans with a complete parent chain; AgentOps gets them too", async () => {
    captureDiag();
    const appExporter = new InMemorySpanExporter();
    const appProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appExporter)] });
    appProvider.register();

    const { session, spans } = initInMemory();
    expect((trace.getTracerProvider() as unknown as { getDelegate(): object }).getDelegate()).toBe(appProvider);
    expect(agentops.getSession()).toBe(session);
    session.record(new agentops.ActionEvent({ actionType: 'mine' }));
    session.run(() => trace.getTracer('app-llm').startSpan('chat gpt-4o-mini', { attributes: genAiAttrs }).end());
    trace.getTracer('app').startSpan('GET /').end();
    await session.endSession('Success');
    await appProvider.forceFlush();

    const ours = await spans();
    expect(byKind(ours, 'session')).toHaveLength(1);
    expect(byKind(ours, 'action')).toHaveLength(1);
    expect(ours.map((s) => s.name)).toContain('chat gpt-4o-mini');
    const app = appExporter.getFinishedSpans();
    expect(app.map((s) => s.name).sort()).toEqual(['GET /', 'chat gpt-4o-mini', 'mine', 'session']);
    expect(orphans(app)).toEqual([]);
    const root = app.find((s) => s.name === 'session')!;
    expect(root.spanContext().traceId).toBe(session.id.replace(/-/g, ''));
    expect(root.spanContext().spanId).toBe(rootSpanIdFor(session.id));
    expect(diagMessages.join('\n')).not.toMatch(/duplicate registration/i);
    await appProvider.shutdown();
  });

  it('an app provider registered after init (a preload runs first) is joined at the next span, and its shutdown does not end AgentOps', async () => {
    const exporter = new InMemorySpanExporter();
    expect(agentops.init({ exporter, logLevel: 'warn', maxWaitTime: 50, autoStartSession: false })).toBeUndefined();
    const spans = async () => {
      await agentops.flush();
      return exporter.getFinishedSpans();
    };
    const appExporter = new InMemorySpanExporter();
    const appProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appExporter)] });
    expect(trace.setGlobalTracerProvider(appProvider)).toBe(true);

    const s = agentops.startSession({ tags: ['late'] });
    s.record(new agentops.ToolEvent({ name: 'search' }));
    await appProvider.forceFlush();
    const app = appExporter.getFinishedSpans().map((x) => x.name);
    expect(app).toEqual(['execute_tool search']); // the session span is still open
    await appProvider.shutdown();
    s.record(new agentops.ActionEvent({ actionType: 'after-app-shutdown' }));
    await s.endSession('Success');
    const ours = await spans();
    expect(ours.map((x) => x.name).sort()).toEqual(['after-app-shutdown', 'execute_tool search', 'session']);
    expect(orphans(ours)).toEqual([]);
  });

  it("uses the AgentOpsSpanProcessor the app put in its provider, so the app's LLM spans become events", async () => {
    const agentopsExporter = new InMemorySpanExporter();
    const appExporter = new InMemorySpanExporter();
    const processor = new agentops.AgentOpsSpanProcessor({ exporter: agentopsExporter, maxWaitTime: 20 });
    const appProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appExporter), processor] });
    appProvider.register();

    const session = agentops.init({ logLevel: 'warn' });
    session.run(() => {
      trace.getTracer('app-llm').startSpan('chat gpt-4o-mini', { attributes: genAiAttrs }).end();
      trace.getTracer('app-http').startSpan('GET /').end();
    });
    await session.endSession('Success');
    await appProvider.forceFlush();
    const exported = agentopsExporter.getFinishedSpans();
    expect(exported.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'session']);
    expect(exported.find((s) => s.name === 'chat gpt-4o-mini')!.attributes['agentops.session.id']).toBe(session.id);
    const app = appExporter.getFinishedSpans();
    expect(app.map((s) => s.name).sort()).toEqual(['GET /', 'chat gpt-4o-mini', 'session']);
    expect(orphans(app)).toEqual([]);
    expect(session.getAnalytics()['LLM calls']).toBe(1);
    await appProvider.shutdown();
  });

  it('an AgentOpsSpanProcessor made after init hands its spans to the SDK pipeline: one export per span', async () => {
    const { session, spans } = initInMemory();
    const appExporter = new InMemorySpanExporter();
    const appProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appExporter), new agentops.AgentOpsSpanProcessor()] });
    appProvider.register();
    session.record(new agentops.ActionEvent({ actionType: 'once' }));
    await session.endSession('Success');
    await appProvider.forceFlush();
    const ours = await spans();
    expect(ours.filter((s) => s.name === 'once')).toHaveLength(1);
    expect(appExporter.getFinishedSpans().map((s) => s.name)).toContain('once');
    await appProvider.shutdown();
  });

  it('init() again after shutdown() joins the same app provider once: no span exported twice, none to the old pipeline', async () => {
    const appExporter = new InMemorySpanExporter();
    const appProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appExporter)] });
    appProvider.register();
    initInMemory().session.record(new agentops.ActionEvent({ actionType: 'first' }));
    await agentops.shutdown();
    const { session, spans } = initInMemory();
    session.record(new agentops.ActionEvent({ actionType: 'second' }));
    await session.endSession('Success');
    await appProvider.forceFlush();
    expect((await spans()).filter((x) => x.name === 'second')).toHaveLength(1);
    expect(appExporter.getFinishedSpans().filter((x) => x.name === 'second')).toHaveLength(1);
    expect(agentops.getDroppedEventCount()).toBe(0);
    await appProvider.shutdown();
  });
});
