import * as api from '@opentelemetry/api';
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import * as A from '@agentops/model';
import { cut } from './content-json.js';
import { addOpenCall, removeOpenCall, type OpenCall } from './open-calls.js';
import type { RequestAttributes } from './request-attributes.js';

// Read once, as the model's names below: the API's exports are getters, and these are used on every call.
const { context, trace, SpanKind, SpanStatusCode } = api;

// Read once: these are on the path of every LLM call, and a bundled module's exports are getters.
const {
  ATTR_SPAN_KIND,
  ATTR_LLM_COST,
  ATTR_LLM_TIME_TO_FIRST_TOKEN,
  GEN_AI_OPERATION_NAME,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  computeLlmCost,
  spanToUuid,
} = A;

/** Where an LLM span hangs when the app's context has no span: the current AgentOps session, if any. */
type SessionContextHook = () => Context | undefined;
const SESSION_CONTEXT = Symbol.for('agentops.sessionContext');

function parentContext(): Context {
  const active = context.active();
  if (trace.getSpan(active)) return active;
  const hook = (globalThis as { [SESSION_CONTEXT]?: SessionContextHook })[SESSION_CONTEXT];
  return hook?.() ?? active;
}

// A process calls few models: their span names ("chat gpt-4o") are made once, not concatenated on every call (a
// string the span then holds until it is exported); the last one is at hand without a lookup.
const SPAN_NAMES = new Map<string, Map<string, string>>();
let spanNameCount = 0;
let lastSpanName = { operation: '', model: '', name: '' };
function spanName(operation: string, model: string): string {
  const last = lastSpanName;
  if (last.model === model && last.operation === operation) return last.name;
  let byModel = SPAN_NAMES.get(operation);
  if (byModel === undefined) SPAN_NAMES.set(operation, (byModel = new Map()));
  let name = byModel.get(model);
  if (name === undefined) {
    name = `${operation} ${model}`;
    if (spanNameCount >= 256) return name;
    byModel.set(model, name);
    spanNameCount++;
  }
  lastSpanName = { operation, model, name };
  return name;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/**
 * One call to a model as one span (SPEC §3, GenAI conventions): started before the request, given the
 * response's attributes, ended exactly once — with its cost, time to first token for streams, and on failure
 * status ERROR plus an AgentOps error event tied to it. Built to allocate little: it runs on every call.
 */
export class LlmCall implements OpenCall {
  readonly span: Span;
  /** The links of the open-call list (open-calls.ts) while the call is not ended; not for apps. */
  openPrev: OpenCall | undefined = undefined;
  /** See {@link LlmCall.openPrev}. */
  openNext: OpenCall | undefined = undefined;
  readonly context: Context;
  private readonly startMs: number | undefined;
  private firstTokenMs: number | undefined = undefined;
  private done = false;
  /** Handed the call's parsed result by the hooks that observe its promise (api-promise.ts). */
  onResult: ((result: unknown) => unknown) | undefined = undefined;
  private readonly provider: string | undefined;
  private readonly requestModel: string | undefined;
  /** The request's attributes that wait for the span's end. */
  private readonly rest: Attributes;

  /**
   * `request` holds fresh objects the call may complete in place. `streamed: false` says the call's answer comes
   * whole, so no clock is read for a time to first token (a clock reading is ~800 instructions on every call).
   */
  constructor(
    private readonly tracer: Tracer,
    operation: string,
    request: RequestAttributes,
    streamed = true,
  ) {
    this.startMs = streamed ? performance.now() : undefined;
    const start = request.start;
    start[GEN_AI_OPERATION_NAME] = operation;
    // The kind is known from the operation while the span runs (spanKindOf); it is written with the rest.
    (this.rest = request.rest)[ATTR_SPAN_KIND] = 'llm';
    this.provider = str(start[GEN_AI_PROVIDER_NAME]);
    this.requestModel = str(start[GEN_AI_REQUEST_MODEL]);
    const parent = parentContext();
    this.span = tracer.startSpan(this.requestModel ? spanName(operation, this.requestModel) : operation, { kind: SpanKind.CLIENT, attributes: start }, parent);
    this.context = trace.setSpan(parent, this.span);
    addOpenCall(this);
  }

  /** The trace the call belongs to (a session's, when it runs in one). */
  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  /** Ends a call whose result nobody consumed, marked `agentops.llm.incomplete`. */
  endIncomplete(): void {
    this.end({ 'agentops.llm.incomplete': true });
  }

  get ended(): boolean {
    return this.done;
  }

  /** The first chunk of a stream arrived. */
  firstToken(): void {
    if (this.firstTokenMs === undefined && this.startMs !== undefined) this.firstTokenMs = performance.now();
  }

  /**
   * Ends the span with the response's attributes (a fresh object, completed in place and set in one
   * `setAttributes` call); its cost comes from the final token counts.
   */
  end(attributes: Attributes = {}): void {
    if (this.done) return;
    this.done = true;
    removeOpenCall(this);
    if (this.firstTokenMs !== undefined && this.startMs !== undefined) attributes[ATTR_LLM_TIME_TO_FIRST_TOKEN] = Math.round((this.firstTokenMs - this.startMs) * 1000) / 1000;
    const cost = computeLlmCost({
      model: str(attributes[GEN_AI_RESPONSE_MODEL]) ?? this.requestModel,
      provider: this.provider,
      inputTokens: num(attributes[GEN_AI_USAGE_INPUT_TOKENS]),
      outputTokens: num(attributes[GEN_AI_USAGE_OUTPUT_TOKENS]),
      cacheReadTokens: num(attributes[GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]),
      cacheWriteTokens: num(attributes[GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]),
    });
    if (cost !== undefined) attributes[ATTR_LLM_COST] = cost;
    this.span.setAttributes(this.rest);
    this.span.setAttributes(attributes);
    this.span.end();
  }

  /** Ends the span as failed and records an error event tied to it. The error itself is not touched. */
  fail(error: unknown, attributes: Attributes = {}): void {
    if (this.done) return;
    const status = recordFailure(this.tracer, this.span, this.context, error, 'llms');
    attributes['error.type'] = status.type;
    if (status.code !== undefined) attributes['http.response.status_code'] = status.code;
    this.end(attributes);
  }
}

/**
 * Marks `span` failed and records an AgentOps error event tied to it (SPEC §3), as a child of `context`, for any
 * failing call: an LLM call, a framework's tool or step. The error itself is not touched. Returns its type and
 * HTTP status, when it has one.
 */
export function recordFailure(tracer: Tracer, span: Span, context: Context, error: unknown, triggerEventType: string): { type: string; code?: number } {
  const err = error instanceof Error ? error : undefined;
  // The class of the error (RateLimitError...), else the name it was given (a plain Error renamed).
  const ctor = err?.constructor?.name;
  const type = err ? (ctor && ctor !== 'Error' ? ctor : err.name || 'Error') : typeof error;
  let message: string;
  try {
    message = err ? err.message : String(error);
  } catch {
    message = type;
  }
  // `status` (Stainless clients, @google/genai), `statusCode` (Speakeasy clients such as Mistral's, cohere-ai).
  const e = error as { status?: unknown; statusCode?: unknown } | null;
  const status = typeof e?.status === 'number' ? e.status : e?.statusCode;
  const code = typeof status === 'number' ? status : undefined;
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  if (err) span.recordException(err);
  const ctx = span.spanContext();
  const errorSpan = tracer.startSpan(
    'error',
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        [ATTR_SPAN_KIND]: 'error',
        'agentops.error.trigger_event_id': spanToUuid(ctx.traceId, ctx.spanId),
        'agentops.error.trigger_event_type': triggerEventType,
        'agentops.error.error_type': type,
        'agentops.error.details': cut(message, 8192),
        ...(code !== undefined ? { 'agentops.error.code': String(code) } : {}),
        ...(err?.stack ? { 'agentops.error.logs': cut(err.stack, 16_384) } : {}),
      },
    },
    context,
  );
  errorSpan.setStatus({ code: SpanStatusCode.ERROR, message });
  errorSpan.end();
  return { type, code };
}
