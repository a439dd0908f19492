import type { LlmCall } from './llm-call.js';

// Shared by every copy of this module in the process, so any copy's asResponse wrapper serves any copy's calls.
const CALL_AWAITING_RAW_RESPONSE: unique symbol = Symbol.for('agentops.llmCall.awaitingRawResponse') as never;
const WRAPPED_AS_RESPONSE: unique symbol = Symbol.for('agentops.apiPromise.asResponseWrapped') as never;

/** The parts of the Stainless `APIPromise` (openai, @anthropic-ai/sdk) we rely on. */
interface ApiPromiseLike<T> extends Promise<T> {
  responsePromise: Promise<{ response: { status: number } }>;
  _thenUnwrap<U>(transform: (data: T, props: unknown) => U): ApiPromiseLike<U>;
  asResponse(): Promise<unknown>;
  /** Set by the clients' parse(), which then()/withResponse() call. */
  parsedPromise?: Promise<T>;
  /** Reads and parses the response: where a 200 with a body that is not JSON fails. */
  parse(): Promise<T>;
  [CALL_AWAITING_RAW_RESPONSE]?: LlmCall;
}

function isApiPromise(p: unknown): p is ApiPromiseLike<unknown> {
  const a = p as Partial<ApiPromiseLike<unknown>> | null;
  return !!a && typeof a._thenUnwrap === 'function' && typeof a.asResponse === 'function' && !!a.responsePromise && typeof a.responsePromise.then === 'function';
}

/**
 * Observes a client's promise without changing what the app gets: the result is handed to `onResult`, which
 * returns what the app should see (the same value, or the same stream with an observed iterator). An
 * `APIPromise` stays an `APIPromise` — made by the client's own `_thenUnwrap` — so `withResponse()`,
 * `asResponse()`, `_thenUnwrap()` and lazy parsing keep working, and its errors reach the app unchanged.
 */
export function observeApiPromise<T>(p: T, call: LlmCall, onResult: (result: unknown) => unknown): T {
  const fail = (error: unknown) => call.fail(error);
  if (isApiPromise(p)) {
    // Request failures (APIError for 4xx/5xx, connection errors) reject the response promise.
    p.responsePromise.then(undefined, fail);
    // Through the client's own _thenUnwrap: the app gets an APIPromise made by the client itself, whatever its
    // version keeps where (openai 7 closes over its parser in _thenUnwrap).
    const out = p._thenUnwrap(onResult);
    endOnRawResponseOnly(out, call);
    return out as T;
  }
  const thenable = p as unknown as PromiseLike<unknown> | null;
  if (thenable && typeof thenable.then === 'function') {
    thenable.then(onResult, fail);
    return p;
  }
  onResult(p);
  return p;
}


/**
 * A caller that only wants the raw response (`asResponse()`) never parses it: the span ends when the response
 * arrives. The clients' withResponse() asks for the raw response too, but after parse(), which sets
 * parsedPromise. `asResponse` is wrapped once per APIPromise class, not per call (a closure on every promise
 * was measurable garbage-collector work); the call rides on the promise under a symbol.
 */
function endOnRawResponseOnly(out: ApiPromiseLike<unknown>, call: LlmCall): void {
  out[CALL_AWAITING_RAW_RESPONSE] = call;
  const proto = Object.getPrototypeOf(out) as ApiPromiseLike<unknown> & { [WRAPPED_AS_RESPONSE]?: true };
  if (proto[WRAPPED_AS_RESPONSE]) return;
  const asResponse = proto.asResponse;
  const parse = proto.parse;
  Object.defineProperty(proto, WRAPPED_AS_RESPONSE, { value: true });
  // A response that cannot be parsed (a 200 with invalid JSON) rejects only here, after responsePromise
  // resolved: the call fails with the client's own error, which still reaches the app unchanged.
  if (typeof parse === 'function') {
    proto.parse = function (this: ApiPromiseLike<unknown>) {
      const r = parse.call(this);
      const call = this[CALL_AWAITING_RAW_RESPONSE];
      if (call && !call.ended) r.then(undefined, (e: unknown) => call.fail(e));
      return r;
    };
  }
  proto.asResponse = function (this: ApiPromiseLike<unknown>) {
    const r = asResponse.call(this);
    const awaiting = this[CALL_AWAITING_RAW_RESPONSE];
    if (awaiting) {
      this.responsePromise.then(
        (props) => {
          if (this.parsedPromise === undefined) awaiting.end({ 'http.response.status_code': props.response.status });
        },
        () => {},
      );
    }
    return r;
  };
}
