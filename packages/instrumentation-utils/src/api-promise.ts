import type { LlmCall } from './llm-call.js';

// Shared by every copy of this module in the process, so any copy's asResponse wrapper serves any copy's calls.
const CALL_AWAITING_RAW_RESPONSE: unique symbol = Symbol.for('agentops.llmCall.awaitingRawResponse') as never;
const WRAPPED_AS_RESPONSE: unique symbol = Symbol.for('agentops.apiPromise.asResponseWrapped') as never;

/** The parts of the Stainless `APIPromise` (openai, @anthropic-ai/sdk) we rely on. */
interface ApiPromiseLike<T> extends Promise<T> {
  responsePromise: Promise<{ response: { status: number } }>;
  /**
   * The instance's parser, which every way to the parsed result calls on the instance: then/catch/finally and
   * withResponse() through parse(), and the promises `_thenUnwrap` derives from it (the clients' own helpers).
   * openai 4 calls it detached (`responsePromise.then(this.parseResponse)`), later versions with `this`.
   */
  parseResponse: (this: unknown, a: unknown, b: unknown) => unknown;
  asResponse(): Promise<unknown>;
  _thenUnwrap(transform: (data: unknown, props: unknown) => unknown): ApiPromiseLike<unknown>;
  /** Set by the clients' parse(), which then()/withResponse() call. */
  parsedPromise?: Promise<T>;
  [CALL_AWAITING_RAW_RESPONSE]?: LlmCall;
}

function isApiPromise(p: unknown): p is ApiPromiseLike<unknown> {
  const a = p as Partial<ApiPromiseLike<unknown>> | null;
  return !!a && typeof a.parseResponse === 'function' && typeof a.asResponse === 'function' && !!a.responsePromise && typeof a.responsePromise.then === 'function';
}

/**
 * Observes a client's promise without changing what the app gets: `onResult` is handed the parsed result before
 * the app sees it (it may observe a stream in place; its return value is ignored for an `APIPromise`). An
 * `APIPromise` is returned as it is — the client's own object, so `withResponse()`, `asResponse()`,
 * `_thenUnwrap()` and lazy parsing keep working and its errors reach the app unchanged — with its instance's
 * parser observed: no promise of ours between the client and the app.
 */
export function observeApiPromise<T>(p: T, call: LlmCall, onResult: (result: unknown) => unknown): T {
  const fail = (error: unknown) => call.fail(error);
  if (isApiPromise(p)) {
    // Request failures (APIError for 4xx/5xx, connection errors) reject the response promise.
    p.responsePromise.then(undefined, fail);
    observeParser(p, call, onResult, fail);
    if (Object.prototype.hasOwnProperty.call(p, '_thenUnwrap')) observeOwnThenUnwrap(p, call, onResult, fail);
    endOnRawResponseOnly(p, call);
    return p;
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
 * Replaces the promise's parser with one that hands what it parses to `onValue` and its failure to `fail`.
 * Registered before the client's own reaction to the parse, so a stream is observed before the app reads it; a body
 * that cannot be parsed (a 200 with invalid JSON) fails the call with the client's own error.
 */
function observeParser(p: ApiPromiseLike<unknown>, call: LlmCall, onValue: ((value: unknown) => unknown) | undefined, fail: (error: unknown) => void): void {
  const parseResponse = p.parseResponse;
  p.parseResponse = function observedParseResponse(this: unknown, a: unknown, b: unknown): unknown {
    const parsed = parseResponse.call(this, a, b);
    if (!call.ended) Promise.resolve(parsed).then(onValue, fail);
    return parsed;
  };
}

/**
 * openai 7 gives each APIPromise its own `_thenUnwrap`, closed over the client's parser: the promises it derives (its
 * `parse()` helpers, an app's own `_thenUnwrap`) never call the instance's `parseResponse`. Their transform is handed
 * the parsed result first, and a failed parse fails the call.
 */
function observeOwnThenUnwrap(p: ApiPromiseLike<unknown>, call: LlmCall, onResult: (result: unknown) => unknown, fail: (error: unknown) => void): void {
  const own = p._thenUnwrap;
  p._thenUnwrap = function (this: unknown, transform: (data: unknown, props: unknown) => unknown) {
    const derived = own.call(this, (data: unknown, props: unknown) => {
      if (!call.ended) onResult(data);
      return transform(data, props);
    });
    if (typeof derived.parseResponse === 'function') observeParser(derived, call, undefined, fail);
    endOnRawResponseOnly(derived, call);
    return derived;
  };
}

/**
 * A caller that only wants the raw response (`asResponse()`) never parses it: the span ends when the response
 * arrives. The clients' withResponse() asks for the raw response too, but after parse(), which sets
 * parsedPromise. `asResponse` is wrapped once per APIPromise class, not per call (a closure on every promise
 * was measurable garbage-collector work); the call rides on the promise under a symbol.
 */
function endOnRawResponseOnly(p: ApiPromiseLike<unknown>, call: LlmCall): void {
  p[CALL_AWAITING_RAW_RESPONSE] = call;
  const proto = Object.getPrototypeOf(p) as ApiPromiseLike<unknown> & { [WRAPPED_AS_RESPONSE]?: true };
  if (proto[WRAPPED_AS_RESPONSE]) return;
  const asResponse = proto.asResponse;
  Object.defineProperty(proto, WRAPPED_AS_RESPONSE, { value: true });
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
