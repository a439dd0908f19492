// record() per event vs creating and ending a bare OpenTelemetry span with the same attributes, and the
// memory 100k events take. Run: node --expose-gc bench/record.mjs [ours|bare]
import { SpanKind, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import * as agentops from '@agentops/otel';
import { gc, mb, nsPerOpSync } from './lib.mjs';

const variant = process.argv[2] ?? 'ours';
const EVENTS = 100_000;

class NullExporter {
  export(_spans, done) {
    done({ code: 0 });
  }
  async shutdown() {}
}

const params = { query: 'weather in Paris', limit: 5 };
const returns = ['sunny', 'warm'];

let op;
if (variant === 'ours') {
  const session = agentops.init({ exporter: new NullExporter(), logLevel: 'error' });
  op = (i) => session.record(new agentops.ActionEvent({ actionType: 'search', params, returns: i % 2 ? returns : 'none' }));
} else {
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new NullExporter(), { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 2000 })] });
  const tracer = provider.getTracer('bare');
  const root = tracer.startSpan('session', { root: true });
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  op = (i) =>
    tracer
      .startSpan(
        'search',
        {
          kind: SpanKind.INTERNAL,
          attributes: {
            'agentops.event.id': '6f2b8a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
            'agentops.span.kind': 'action',
            'agentops.action.action_type': 'search',
            'agentops.action.params': JSON.stringify(params),
            'agentops.action.returns': JSON.stringify(i % 2 ? returns : 'none'),
          },
        },
        ctx,
      )
      .end();
}

const ns = nsPerOpSync(op);
gc();
const before = process.memoryUsage();
for (let i = 0; i < EVENTS; i++) op(i);
const after = process.memoryUsage();
gc();
const settled = process.memoryUsage();
console.log(
  JSON.stringify({
    variant,
    nsPerEvent: Math.round(ns),
    heapDuringMb: mb(after.heapUsed - before.heapUsed),
    heapAfterGcMb: mb(settled.heapUsed - before.heapUsed),
    rssAfterMb: mb(settled.rss),
  }),
);
process.exit(0);
