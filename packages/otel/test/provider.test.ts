import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
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

describe('the tracer provider', () => {
  it('with none registered, init registers ours globally, so any instrumentation reaches AgentOps', async () => {
    const { session, spans } = initInMemory();
    const delegate = (trace.getTracerProvider() as unknown as { getDelegate(): object }).getDelegate();
    expect(delegate).toBeInstanceOf(NodeTracerProvider);
    session!.run(() => trace.getTracer('other').startSpan('chat gpt-4o-mini', { attributes: genAiAttrs }).end());
    const llm = (await spans()).find((s) => s.name === 'chat gpt-4o-mini');
    expect(llm?.attributes['agentops.session.id']).toBe(session!.id);
    await agentops.shutdown();
    const after = (trace.getTracerProvider() as unknown as { getDelegate(): object }).getDelegate();
    expect(after.constructor.name).toBe('NoopTracerProvider');
  });

  it("never replaces the app's provider and logs no duplicate registration", async () => {
    captureDiag();
    const appExporter = new InMemorySpanExporter();
    const appProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appExporter)] });
    appProvider.register();

    const { session, spans } = initInMemory();
    expect((trace.getTracerProvider() as unknown as { getDelegate(): object }).getDelegate()).toBe(appProvider);
    session!.record(new agentops.ActionEvent({ actionType: 'mine' }));
    trace.getTracer('app').startSpan('GET /').end();
    await session!.endSession('Success');

    const ours = await spans();
    expect(byKind(ours, 'session')).toHaveLength(1);
    expect(byKind(ours, 'action')).toHaveLength(1);
    expect(appExporter.getFinishedSpans().map((s) => s.name)).toEqual(['GET /']);
    expect(diagMessages.join('\n')).not.toMatch(/duplicate registration/i);
    await appProvider.shutdown();
  });

  it("uses the AgentOpsSpanProcessor the app put in its provider, so the app's LLM spans become events", async () => {
    const agentopsExporter = new InMemorySpanExporter();
    const appExporter = new InMemorySpanExporter();
    const processor = new agentops.AgentOpsSpanProcessor({ exporter: agentopsExporter, maxWaitTime: 20 });
    const appProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appExporter), processor] });
    appProvider.register();

    const session = agentops.init({ logLevel: 'warn' })!;
    session.run(() => {
      trace.getTracer('app-llm').startSpan('chat gpt-4o-mini', { attributes: genAiAttrs }).end();
      trace.getTracer('app-http').startSpan('GET /').end();
    });
    await session.endSession('Success');
    const exported = agentopsExporter.getFinishedSpans();
    expect(exported.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'session']);
    expect(exported.find((s) => s.name === 'chat gpt-4o-mini')!.attributes['agentops.session.id']).toBe(session.id);
    expect(appExporter.getFinishedSpans().map((s) => s.name).sort()).toEqual(['GET /', 'chat gpt-4o-mini']);
    expect(session.getAnalytics()['LLM calls']).toBe(1);
    await appProvider.shutdown();
  });
});
