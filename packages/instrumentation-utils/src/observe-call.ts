import { context, type Attributes, type Tracer } from '@opentelemetry/api';
import { observeApiPromise } from './api-promise.js';
import { LlmCall } from './llm-call.js';

/** How one patched client method is observed. */
export interface CallObservation {
  tracer: Tracer;
  /** `gen_ai.operation.name`. */
  operation: string;
  /** The request's attributes; if this throws, the call goes ahead untraced. */
  attributes: () => Attributes;
  streamed: boolean;
  /** The stream the client returned, observed (the same object). */
  onStream: (stream: unknown, call: LlmCall) => unknown;
  /** The response's attributes, for the span's end. */
  onResult: (result: unknown) => Attributes;
  debug: (message: string) => void;
}

/**
 * The body every patched LLM method shares: start the span, call the client inside its context, and watch
 * the promise it returned — without changing it, its result, or its error.
 */
export function callObserved(original: (...args: unknown[]) => unknown, thisArg: unknown, args: unknown[], o: CallObservation): unknown {
  let call: LlmCall;
  try {
    call = new LlmCall(o.tracer, o.operation, o.attributes());
  } catch (e) {
    o.debug(`could not start the span: ${String(e)}`);
    return original.apply(thisArg, args);
  }
  let result: unknown;
  try {
    result = context.with(call.context, () => original.apply(thisArg, args));
  } catch (error) {
    call.fail(error);
    throw error;
  }
  return observeApiPromise(result, call, (value) => {
    if (o.streamed) return o.onStream(value, call);
    call.end(o.onResult(value));
    return value;
  });
}
