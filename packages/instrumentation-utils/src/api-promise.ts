import type { LlmCall } from './llm-call.js';

// Shared by every copy of this module in the process, so that any copy's hooks serve any copy's calls and a class is
// hooked once.
const CALL: unique symbol = Symbol.for('agentops.apiPromise.call') as never;
const FAILURE_ONLY: unique symbol = Symbol.for('agentops.apiPromise.failureOnly') as never;
const HOOKED: unique symbol = Symbol.for('agentops.apiPromise.classHooked') as never;

type Transform = (data: unknown, props: unknown) => unknown;

/** The parts of the Stainless `APIPromise` (openai 4–7, @anthropic-ai/sdk) we rely on. */
interface ApiPromiseLike extends Promise<unknown> {
  responsePromise: Promise<{ response: { status: number } }>;
  /**
   * Parses the response once and caches the promise (`parsedPromise`): then/catch/finally and withResponse() all go
   * through it, on the prototype in every version.
   */
  parse(): Promise<unknown>;
  asResponse(): Promise<unknown>;
  _thenUnwrap(transform: Transform): ApiPromiseLike;
  parsedPromise?: Promise<unknown>;
  /** The call this promise reports to, until its first parse() (or raw response) took it. */
  [CALL]?: LlmCall;
  /** A derived promise: its call saw the result before the transform; it reports only a failure. */
  [FAILURE_ONLY]?: true;
}

interface ApiPromisePrototype extends ApiPromiseLike {
  [HOOKED]?: true;
}

function isApiPromise(p: unknown): p is ApiPromiseLike {
  const a = p as Partial<ApiPromiseLike> | null;
  return (
    !!a &&
    typeof a.parse === 'function' &&
    typeof a.asResponse === 'function' &&
    typeof a._thenUnwrap === 'function' &&
    !!a.responsePromise &&
    typeof a.responsePromise.then === 'function'
  );
}

const ignore = (): void => {};

/** The class hooked last: nearly every call's promise is of the same class. */
let lastHooked: ApiPromisePrototype | undefined;

/**
 * Observes a client's promise without changing what the app gets: `onResult` is handed the parsed result before
 * the app sees it (it may observe a stream in place; its return value is ignored for an `APIPromise`). An
 * `APIPromise` is returned as it is — the client's own object, so `withResponse()`, `asResponse()`, `_thenUnwrap()`
 * and lazy parsing keep working and its errors reach the app unchanged. Its class is hooked once (parse,
 * `_thenUnwrap`, asResponse); a call only rides on its promise, under a symbol: no promise, closure or reaction of
 * ours until the app asks for the result, and then one reaction, as any observer of the result needs.
 */
export function observeApiPromise<T>(p: T, call: LlmCall, onResult: (result: unknown) => unknown): T {
  if (isApiPromise(p)) {
    hookClass(Object.getPrototypeOf(p) as ApiPromisePrototype);
    call.onResult = onResult;
    p[CALL] = call;
    if (Object.prototype.hasOwnProperty.call(p, '_thenUnwrap')) observeOwnThenUnwrap(p);
    return p;
  }
  const thenable = p as unknown as PromiseLike<unknown> | null;
  if (thenable && typeof thenable.then === 'function') {
    thenable.then(onResult, (error: unknown) => call.fail(error));
    return p;
  }
  onResult(p);
  return p;
}

/**
 * The first parse() of a promise carrying a call registers the call's reaction — before the caller's own (the
 * app's then, withResponse), so a stream is observed before the app reads it. A request failure (APIError for
 * 4xx/5xx, a connection error) or a body that cannot be parsed rejects the parsed promise, and fails the call with
 * the client's own error. A promise nobody ever reads reports nothing: its call is ended as incomplete with its
 * session, and its rejection, if any, stays the app's, unhandled as it would be without us.
 */
function hookClass(proto: ApiPromisePrototype): void {
  if (proto === lastHooked) return;
  lastHooked = proto;
  if (Object.prototype.hasOwnProperty.call(proto, HOOKED)) return;
  Object.defineProperty(proto, HOOKED, { value: true });
  const { parse, asResponse, _thenUnwrap: thenUnwrap } = proto;

  proto.parse = function (this: ApiPromiseLike) {
    const parsed = parse.call(this);
    const call = this[CALL];
    if (call !== undefined) {
      this[CALL] = undefined;
      if (!call.ended) parsed.then(this[FAILURE_ONLY] ? ignore : call.onResult, (error: unknown) => call.fail(error));
    }
    return parsed;
  };

  // A caller that only wants the raw response never parses it: the span ends when the response arrives. (The
  // clients' withResponse() asks for it too, but after parse(), which took the call.)
  proto.asResponse = function (this: ApiPromiseLike) {
    const raw = asResponse.call(this);
    const call = this[CALL];
    if (call !== undefined) {
      this.responsePromise.then(
        (props) => {
          if (this.parsedPromise === undefined) call.end({ 'http.response.status_code': props.response.status });
        },
        (error: unknown) => call.fail(error),
      );
    }
    return raw;
  };

  // The promise a helper derives (chat.completions.parse(), an app's own _thenUnwrap) never parses through this one.
  proto._thenUnwrap = function (this: ApiPromiseLike, transform: Transform) {
    return this[CALL] === undefined ? thenUnwrap.call(this, transform) : derive(this, thenUnwrap, transform);
  };
}

/**
 * A promise derived from `p` by `thenUnwrap`: its transform is handed the parsed result first, and the derived
 * promise reports the call's failure (request or parse) when it is read.
 */
function derive(p: ApiPromiseLike, thenUnwrap: (this: ApiPromiseLike, transform: Transform) => ApiPromiseLike, transform: Transform): ApiPromiseLike {
  const call = p[CALL]!;
  const onResult = call.onResult!;
  const derived = thenUnwrap.call(p, (data: unknown, props: unknown) => {
    if (!call.ended) onResult(data);
    return transform(data, props);
  });
  if (isApiPromise(derived)) {
    hookClass(Object.getPrototypeOf(derived) as ApiPromisePrototype);
    derived[CALL] = call;
    derived[FAILURE_ONLY] = true;
  }
  return derived;
}

/** openai 7 gives each APIPromise its own `_thenUnwrap`, closed over the client's parser. */
function observeOwnThenUnwrap(p: ApiPromiseLike): void {
  const own = p._thenUnwrap;
  p._thenUnwrap = function (this: ApiPromiseLike, transform: Transform) {
    return this[CALL] === undefined ? own.call(this, transform) : derive(this, own, transform);
  };
}
