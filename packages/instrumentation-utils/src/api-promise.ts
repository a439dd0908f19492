import type { LlmCall } from './llm-call.js';

/** The parts of the Stainless `APIPromise` (openai, @anthropic-ai/sdk) we rely on. */
interface ApiPromiseLike<T> extends Promise<T> {
  responsePromise: Promise<{ response: { status: number } }>;
  _thenUnwrap<U>(transform: (data: T, props: unknown) => U): ApiPromiseLike<U>;
  asResponse(): Promise<unknown>;
  /** Set by the clients' parse(), which then()/withResponse() call. */
  parsedPromise?: Promise<T>;
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
  const guarded = (result: unknown): unknown => {
    try {
      return onResult(result);
    } catch {
      call.end();
      return result;
    }
  };
  if (isApiPromise(p)) {
    // Request failures (APIError for 4xx/5xx, connection errors) reject the response promise.
    p.responsePromise.then(undefined, (error: unknown) => call.fail(error));
    // Through the client's own _thenUnwrap: the app gets an APIPromise made by the client itself, whatever its
    // version keeps where (openai 7 closes over its parser in _thenUnwrap; wrapping parseResponse misses it).
    return observeApiPromiseByUnwrap(p, call, guarded) as T;
  }
  const thenable = p as unknown as PromiseLike<unknown> | null;
  if (thenable && typeof thenable.then === 'function') {
    thenable.then(guarded, (error: unknown) => call.fail(error));
    return p;
  }
  guarded(p);
  return p;
}

/** A second APIPromise through the client's _thenUnwrap, whose transform sees the parsed result. */
function observeApiPromiseByUnwrap(p: ApiPromiseLike<unknown>, call: LlmCall, guarded: (r: unknown) => unknown): unknown {
  const out = p._thenUnwrap((data) => guarded(data));
  endOnRawResponseOnly(out, p, call);
  return out;
}

/**
 * A caller that only wants the raw response (`asResponse()`) never parses it: end the span when it arrives.
 * The clients' withResponse() asks for the raw response too, but after parse(), which sets parsedPromise.
 */
function endOnRawResponseOnly(out: ApiPromiseLike<unknown>, p: ApiPromiseLike<unknown>, call: LlmCall): void {
  const asResponse = out.asResponse;
  out.asResponse = function (this: ApiPromiseLike<unknown>) {
    const r = asResponse.call(this);
    p.responsePromise.then(
      (props) => {
        if (this.parsedPromise === undefined) call.end({ 'http.response.status_code': props.response.status });
      },
      () => {},
    );
    return r;
  };
}
