import { context, type DiagLogger, type Tracer } from '@opentelemetry/api';
import type { RequestAttributes } from './request-attributes.js';
import { LlmCall } from './llm-call.js';
import type { StreamAccumulator } from './stream.js';

/*
 * For clients that are not built on Stainless (@google/genai, @mistralai/mistralai, cohere-ai...): their calls
 * return plain promises and their streams are async iterables.
 */

/** Ends a stream's call once: with the accumulated attributes, failed on an error, marked aborted on an abort. */
function streamFinisher<Chunk>(call: LlmCall, acc: StreamAccumulator<Chunk>): (complete: boolean, error?: unknown) => void {
  return (complete, error) => {
    if (call.ended) return;
    let attrs = {};
    try {
      attrs = acc.finish(complete);
    } catch {
      // a malformed chunk must not keep the span open
    }
    if (error !== undefined && !isAbort(error)) call.fail(error, attrs);
    else call.end(error !== undefined ? { ...attrs, 'agentops.llm.stream.aborted': true } : attrs);
  };
}

const isAbort = (e: unknown) => e instanceof Error && (e.name === 'AbortError' || (e as { code?: unknown }).code === 'ABORT_ERR');

/**
 * A promise that settles exactly as `promise` does (the same value, the same error, unhandled if the app leaves it
 * so), ending `call` on the way: `onValue` gives the span's attributes, or, for a stream, returns the value the app
 * gets instead (`observeAsyncIterable`) and ends the call itself.
 */
export async function observePromise<T>(promise: Promise<T>, call: LlmCall, onValue: (value: T) => T): Promise<T> {
  let value: T;
  try {
    value = await promise;
  } catch (error) {
    call.fail(error);
    throw error;
  }
  try {
    return onValue(value);
  } catch {
    call.end();
    return value;
  }
}

/**
 * The same chunks as `stream`, passed on as they arrive, read by `acc`; the call ends exactly once: at the
 * stream's end, on a `break` or `return` (the source is closed as before), or on an error, re-thrown unchanged.
 */
export function observeAsyncIterable<Chunk>(stream: AsyncIterable<Chunk>, call: LlmCall, acc: StreamAccumulator<Chunk>): AsyncGenerator<Chunk> {
  const finish = streamFinisher(call, acc);
  return (async function* observed() {
    let complete = false;
    try {
      for await (const chunk of stream) {
        call.firstToken();
        try {
          acc.onChunk(chunk);
        } catch {
          // never let our reading of a chunk reach the app
        }
        yield chunk;
      }
      complete = true;
    } catch (error) {
      finish(false, error);
      throw error;
    } finally {
      finish(complete);
    }
  })();
}

/**
 * A `ReadableStream` of the same chunks as `source` (one of the same class: `instanceof` and the class's methods
 * hold), pulled on demand, unbuffered, read by `acc` on the way. The call ends exactly once: at the end, when the
 * app cancels it (a `break` out of `for await`: the source is cancelled as before), or on an error, passed on.
 */
export function observeReadableStream<Chunk>(source: ReadableStream<Chunk>, call: LlmCall, acc: StreamAccumulator<Chunk>): ReadableStream<Chunk> {
  const finish = streamFinisher(call, acc);
  const reader = source.getReader();
  const observed = new ReadableStream<Chunk>(
    {
      async pull(controller) {
        let r: { done: boolean; value?: Chunk };
        try {
          r = await reader.read();
        } catch (error) {
          finish(false, error);
          controller.error(error);
          return;
        }
        if (r.done) {
          finish(true);
          controller.close();
          return;
        }
        call.firstToken();
        try {
          acc.onChunk(r.value as Chunk);
        } catch {
          // never let our reading of a chunk reach the app
        }
        controller.enqueue(r.value as Chunk);
      },
      cancel(reason) {
        finish(false);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  Object.setPrototypeOf(observed, Object.getPrototypeOf(source));
  return observed;
}

/**
 * Observes an async-iterable object in place (a client's own stream class, such as cohere-ai's `Stream`): its
 * `[Symbol.asyncIterator]` is replaced, on that object only, by one that passes every chunk on at once while `acc`
 * reads it. The object, its class and its other methods stay; the call ends exactly once (end, `break`, error).
 */
export function observeIterableInPlace<Chunk, S extends AsyncIterable<Chunk>>(stream: S, call: LlmCall, acc: StreamAccumulator<Chunk>): S {
  const original = stream[Symbol.asyncIterator].bind(stream);
  Object.defineProperty(stream, Symbol.asyncIterator, {
    configurable: true,
    writable: true,
    value: () => observeAsyncIterable<Chunk>({ [Symbol.asyncIterator]: original }, call, acc),
  });
  return stream;
}

/**
 * The body every patched method of a promise-returning client shares (@google/genai, Mistral, Cohere, Bedrock):
 * start the call's span, run the method inside its context, and watch the promise it returned, without changing
 * it, its result or its error. `onValue` ends the call with the result's attributes, or hands a stream on to be
 * read (and then ends it there); if the span cannot start, the method runs untraced.
 */
export function callWithPromise<T>(
  tracer: Tracer,
  diag: DiagLogger,
  operation: string,
  attributes: () => RequestAttributes,
  invoke: () => unknown,
  onValue: (value: T, call: LlmCall) => T,
): unknown {
  let call: LlmCall;
  try {
    call = new LlmCall(tracer, operation, attributes());
  } catch (e) {
    diag.debug(`could not start the span: ${String(e)}`);
    return invoke();
  }
  let result: unknown;
  try {
    result = context.with(call.context, invoke);
  } catch (error) {
    call.fail(error);
    throw error;
  }
  if (!result || typeof (result as Promise<T>).then !== 'function') {
    call.end();
    return result;
  }
  return observePromise(result as Promise<T>, call, (value) => onValue(value, call));
}
