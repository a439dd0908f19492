import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { AgentOpsSpanProcessor } from '../src/index.js';

/** An exporter whose exports finish only when the test says so. */
class HeldExporter implements SpanExporter {
  readonly calls: Array<{ names: string[]; finish: () => void; done: boolean }> = [];
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    const call = { names: spans.map((s) => s.name), done: false, finish: () => {} };
    call.finish = () => {
      call.done = true;
      done({ code: ExportResultCode.SUCCESS });
    };
    this.calls.push(call);
  }
  async shutdown(): Promise<void> {}
  open(): number {
    return this.calls.filter((c) => !c.done).length;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 5));

function pipeline() {
  const exporter = new HeldExporter();
  const processor = new AgentOpsSpanProcessor({ exporter: exporter as never, maxExportBatchSize: 2, maxQueueSize: 100, maxWaitTime: 60_000 });
  const tracer = new NodeTracerProvider({ spanProcessors: [processor] }).getTracer('test');
  const span = (name: string, kind = 'action') => tracer.startSpan(name, { attributes: { 'agentops.span.kind': kind } }).end();
  return { exporter, processor, span };
}

describe('the span processor’s export pipeline', () => {
  it('exports two batches at once, no more: the next one is serialised while the server stores the one before', async () => {
    const { exporter, processor, span } = pipeline();
    for (let i = 0; i < 8; i++) span(`e${i}`);
    await settle();
    expect(exporter.calls.map((c) => c.names)).toEqual([
      ['e0', 'e1'],
      ['e2', 'e3'],
    ]);
    exporter.calls[0].finish();
    await settle();
    expect(exporter.calls).toHaveLength(3);
    expect(exporter.open()).toBe(2);
    const flushed = processor.forceFlush();
    for (let i = 1; i < 4; i++) {
      await settle();
      exporter.calls[i].finish();
    }
    await flushed;
    expect(exporter.calls.flatMap((c) => c.names)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']);
    expect(processor.hasPending()).toBe(false);
  });

  it("a batch holding a session's end waits for every batch before it, so the server's cost of the session counts them", async () => {
    const { exporter, processor, span } = pipeline();
    span('e0');
    span('e1');
    span('session', 'session');
    span('e2');
    await settle();
    expect(exporter.calls.map((c) => c.names)).toEqual([['e0', 'e1']]); // the session's batch is held back
    exporter.calls[0].finish();
    await settle();
    expect(exporter.calls.map((c) => c.names)).toEqual([
      ['e0', 'e1'],
      ['session', 'e2'],
    ]);
    exporter.calls[1].finish();
    await processor.forceFlush();
  });

  it('at exit, every batch in flight and everything queued is handed over synchronously', async () => {
    const { exporter, processor, span } = pipeline();
    const handed: string[] = [];
    (exporter as unknown as { exportSync(spans: ReadableSpan[]): void }).exportSync = (spans) => handed.push(...spans.map((s) => s.name));
    for (let i = 0; i < 7; i++) span(`e${i}`);
    await settle();
    expect(exporter.open()).toBe(2);
    processor.flushSync();
    expect(handed.sort()).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(processor.hasPending()).toBe(false);
  });
});
