import type { LlmCall } from './llm-call.js';

/** What a stream's chunks add up to; told each chunk, then asked for the span's final attributes. */
export interface StreamAccumulator<Chunk> {
  onChunk(chunk: Chunk): void;
  /** Attributes for the span's end; `complete` is false after a break, an abort or an error. */
  finish(complete: boolean): import('@opentelemetry/api').Attributes;
}

interface StainlessStream<Chunk> {
  iterator: () => AsyncIterator<Chunk>;
  controller?: AbortController;
}

function isStream<Chunk>(v: unknown): v is StainlessStream<Chunk> {
  return !!v && typeof (v as StainlessStream<Chunk>).iterator === 'function' && typeof (v as AsyncIterable<Chunk>)[Symbol.asyncIterator] === 'function';
}

const isAbort = (e: unknown) => e instanceof Error && (e.name === 'AbortError' || e.constructor?.name === 'APIUserAbortError');

/**
 * Observes a Stainless `Stream` (openai, @anthropic-ai/sdk) in place: its `iterator` — which `for await`,
 * `tee()` and `toReadableStream()` all go through — is replaced by one that passes every chunk on at once,
 * unbuffered, while the accumulator reads it. The span ends exactly once: at the stream's end, on a `break`
 * or `return` (the underlying iterator is closed as before), on an abort, or on an error, which is re-thrown
 * unchanged. Returns the same stream object.
 */
export function observeStream<Chunk>(stream: unknown, call: LlmCall, acc: StreamAccumulator<Chunk>): unknown {
  if (!isStream<Chunk>(stream)) {
    call.end();
    return stream;
  }
  const original = stream.iterator.bind(stream);
  const finish = (complete: boolean, error?: unknown) => {
    if (call.ended) return;
    let attrs = {};
    try {
      attrs = acc.finish(complete);
    } catch {
      // a malformed chunk must not keep the span open
    }
    // The clients end the loop quietly when the app aborts through `stream.controller` (and abort the
    // controller themselves after an error, so the signal only tells when nothing was thrown).
    const aborted = error !== undefined ? isAbort(error) : stream.controller?.signal?.aborted === true;
    if (error !== undefined && !aborted) call.fail(error, attrs);
    else call.end(aborted ? { ...attrs, 'agentops.llm.stream.aborted': true } : attrs);
  };
  // A hand-written iterator rather than an async generator: one promise per chunk instead of several, on a
  // path taken for every chunk of every stream.
  stream.iterator = function observedIterator(): AsyncIterator<Chunk> {
    const inner = original();
    const onResult = (r: IteratorResult<Chunk>): IteratorResult<Chunk> => {
      if (r.done) finish(true);
      else {
        call.firstToken();
        try {
          acc.onChunk(r.value);
        } catch {
          // never let our reading of a chunk reach the app
        }
      }
      return r;
    };
    const onError = (error: unknown): never => {
      finish(false, error);
      throw error;
    };
    const observed: AsyncIterator<Chunk> & AsyncIterable<Chunk> = {
      // (no rest parameter: an array per chunk is avoidable garbage)
      next: (value?: unknown) => inner.next(value as never).then(onResult, onError),
      // `break` / `return` in a for-await loop: the stream is cut short; close the client's iterator as before.
      return: (value?: unknown) => {
        finish(false);
        return inner.return ? inner.return(value) : Promise.resolve({ done: true, value: value as Chunk });
      },
      throw: (error?: unknown) => {
        finish(false, error);
        return inner.throw ? inner.throw(error) : Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return observed;
      },
    };
    return observed;
  };
  return stream;
}
