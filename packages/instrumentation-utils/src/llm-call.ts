import { context, SpanKind, SpanStatusCode, trace, type Attributes, type AttributeValue, type Context, type Span, type Tracer } from '@opentelemetry/api';
import * as A from '@agentops/model';

/** Where an LLM span hangs when the app's context has no span: the current AgentOps session, if any. */
type SessionContextHook = () => Context | undefined;
const SESSION_CONTEXT = Symbol.for('agentops.sessionContext');

function parentContext(): Context {
  const active = context.active();
  if (trace.getSpan(active)) return active;
  const hook = (globalThis as { [SESSION_CONTEXT]?: SessionContextHook })[SESSION_CONTEXT];
  return hook?.() ?? active;
}

function cut(s: string, limit: number): string {
  return s.length > limit ? `${s.slice(0, limit)}…[truncated by AgentOps at ${limit} characters]` : s;
}

/** JSON of content for an attribute, bounded; never throws. */
export function contentJson(value: unknown, limit: number): string | undefined {
  if (value === undefined) return undefined;
  try {
    return cut(typeof value === 'string' ? value : JSON.stringify(value), limit);
  } catch {
    return undefined;
  }
}

/**
 * One call to a model as one span (SPEC §3, GenAI conventions): started before the request, given the
 * response's attributes, ended exactly once — with its cost, time to first token for streams, and on failure
 * status ERROR plus an AgentOps error event tied to it.
 */
export class LlmCall {
  readonly span: Span;
  readonly context: Context;
  private readonly attrs: Attributes;
  private readonly startMs = performance.now();
  private firstTokenMs: number | undefined;
  private done = false;

  constructor(
    private readonly tracer: Tracer,
    operation: string,
    attributes: Attributes,
  ) {
    // The caller hands over a fresh object: it is kept (and completed) rather than copied.
    this.attrs = attributes;
    attributes[A.ATTR_SPAN_KIND] = 'llm';
    attributes[A.GEN_AI_OPERATION_NAME] = operation;
    const model = attributes[A.GEN_AI_REQUEST_MODEL];
    const parent = parentContext();
    this.span = tracer.startSpan(model ? `${operation} ${String(model)}` : operation, { kind: SpanKind.CLIENT, attributes: this.attrs }, parent);
    this.context = trace.setSpan(parent, this.span);
  }

  get ended(): boolean {
    return this.done;
  }

  set(key: string, value: AttributeValue | undefined | null): void {
    if (value === undefined || value === null || this.done) return;
    this.attrs[key] = value;
    this.span.setAttribute(key, value);
  }

  /** The first chunk of a stream arrived. */
  firstToken(): void {
    if (this.firstTokenMs === undefined) this.firstTokenMs = performance.now();
  }

  /** Ends the span with the response's attributes; its cost comes from the final token counts. */
  end(attributes: Attributes = {}): void {
    if (this.done) return;
    this.done = true;
    // One setAttributes call: the SDK validates per call, and this is on every LLM call's path.
    const final: Attributes = {};
    for (const k in attributes) {
      const v = attributes[k];
      if (v !== undefined && v !== null) final[k] = this.attrs[k] = v;
    }
    if (this.firstTokenMs !== undefined) final[A.ATTR_LLM_TIME_TO_FIRST_TOKEN] = Math.round((this.firstTokenMs - this.startMs) * 1000) / 1000;
    const cost = A.llmCostOf(this.attrs as A.Attributes);
    if (cost !== null) final[A.ATTR_LLM_COST] = cost;
    this.span.setAttributes(final);
    this.span.end();
  }

  /** Ends the span as failed and records an error event tied to it. The error itself is not touched. */
  fail(error: unknown, attributes: Attributes = {}): void {
    if (this.done) return;
    const err = error instanceof Error ? error : undefined;
    const type = err ? err.constructor?.name || err.name : typeof error;
    const message = err ? err.message : String(error);
    this.set('error.type', type);
    const status = (error as { status?: unknown } | null)?.status;
    if (typeof status === 'number') this.set('http.response.status_code', status);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
    if (err) this.span.recordException(err);
    const ctx = this.span.spanContext();
    const errorSpan = this.tracer.startSpan(
      'error',
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [A.ATTR_SPAN_KIND]: 'error',
          'agentops.error.trigger_event_id': A.spanToUuid(ctx.traceId, ctx.spanId),
          'agentops.error.trigger_event_type': 'llms',
          'agentops.error.error_type': type,
          'agentops.error.details': cut(message, 8192),
          ...(typeof status === 'number' ? { 'agentops.error.code': String(status) } : {}),
          ...(err?.stack ? { 'agentops.error.logs': cut(err.stack, 16_384) } : {}),
        },
      },
      this.context,
    );
    errorSpan.setStatus({ code: SpanStatusCode.ERROR, message });
    errorSpan.end();
    this.end(attributes);
  }
}
