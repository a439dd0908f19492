import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';

/**
 * Random ids, except while a session's root span is being started: then the trace id is the session id and
 * the span id the one derived from it, so another process can parent spans under the root (SPEC §2).
 */
export class SessionIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private nextTraceId: string | undefined;
  private nextSpanId: string | undefined;

  withIds<T>(traceId: string, spanId: string, start: () => T): T {
    this.nextTraceId = traceId;
    this.nextSpanId = spanId;
    try {
      return start();
    } finally {
      this.nextTraceId = undefined;
      this.nextSpanId = undefined;
    }
  }

  generateTraceId(): string {
    return this.nextTraceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.nextSpanId ?? this.random.generateSpanId();
  }
}
