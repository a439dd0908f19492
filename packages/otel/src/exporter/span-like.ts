import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SpanLike } from '@agentops/model';

const ms = (t: HrTime): number => t[0] * 1e3 + t[1] / 1e6;

/** A `ReadableSpan` in the converter's shape. Works on a span still open (a session announced at its start). */
export function toSpanLike(span: ReadableSpan): SpanLike {
  const ctx = span.spanContext();
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    startTimeMs: ms(span.startTime),
    endTimeMs: span.ended ? ms(span.endTime) : undefined,
    attributes: span.attributes,
    status: { code: span.status.code, message: span.status.message },
    events: span.events.map((e) => ({ name: e.name, timeMs: ms(e.time), attributes: e.attributes })),
    scopeName: span.instrumentationScope?.name,
  };
}
