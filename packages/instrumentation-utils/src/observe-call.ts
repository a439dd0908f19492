import * as api from '@opentelemetry/api';
import type { Attributes, DiagLogger, Tracer } from '@opentelemetry/api';
import { observeApiPromise } from './api-promise.js';
import { LlmCall } from './llm-call.js';
import type { RequestAttributes } from './request-attributes.js';
import { observeStream, type StreamAccumulator } from './stream.js';

type Params = Record<string, unknown>;

// Read once: the API's exports are getters, and this runs on every call.
const { context } = api;

/**
 * How one patched client method is read. Made once, when the method is patched — not per call — so that a
 * call allocates no closures for it.
 */
export interface CallReader {
  /** `gen_ai.operation.name`. */
  readonly operation: string;
  /**
   * The request's attributes, in fresh objects; if this throws, the call goes ahead untraced. `baseURL` is
   * the client's (Stainless resources keep their client at `_client`).
   */
  requestAttributes(params: Params, baseURL: unknown): RequestAttributes;
  /** The attributes of a complete response, in a fresh object. */
  responseAttributes(result: unknown): Attributes;
  /** A fresh accumulator for the chunks of one stream. */
  streamAccumulator(params: Params): StreamAccumulator<never>;
}

/**
 * The body every patched LLM method shares: start the span, call the client inside its context, and watch
 * the promise it returned — without changing it, its result, or its error.
 */
export function callObserved(
  tracer: Tracer,
  reader: CallReader,
  diag: DiagLogger,
  original: (...args: unknown[]) => unknown,
  thisArg: unknown,
  args: unknown[],
  params: Params,
): unknown {
  let call: LlmCall;
  const streamed = params.stream === true;
  try {
    const baseURL = ((thisArg as Params | undefined)?._client as Params | undefined)?.baseURL;
    call = new LlmCall(tracer, reader.operation, reader.requestAttributes(params, baseURL), streamed);
  } catch (e) {
    diag.debug(`could not start the span: ${String(e)}`);
    return original.apply(thisArg, args);
  }
  let result: unknown;
  try {
    result = context.with(call.context, () => original.apply(thisArg, args));
  } catch (error) {
    call.fail(error);
    throw error;
  }
  // The one closure a call needs: it sees the parsed result and returns what the app gets.
  return observeApiPromise(result, call, (value: unknown): unknown => {
    try {
      if (streamed) return observeStream(value, call, reader.streamAccumulator(params));
      call.end(reader.responseAttributes(value));
    } catch {
      call.end();
    }
    return value;
  });
}
