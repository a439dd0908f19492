/**
 * The LLM calls not ended yet (a stream the app never reads, a promise it never awaits), oldest first, so that the
 * SDK (@agentops/otel) can end them with their session or at exit and every call becomes an event. Shared through a
 * global by every copy of this module and by the SDK. A list threaded through the calls themselves: a call joins and
 * leaves it with a few stores, where a `Set` hashed every call (~650 instructions a call).
 */
export interface OpenCall {
  openPrev: OpenCall | undefined;
  openNext: OpenCall | undefined;
  readonly traceId: string;
  endIncomplete(): void;
}

/** The shared list: `first` is the oldest call. */
export interface OpenCalls {
  first: OpenCall | undefined;
  last: OpenCall | undefined;
  size: number;
}

const OPEN_CALLS = Symbol.for('agentops.openLlmCalls.list');

/** Past this many open calls, the oldest is ended as incomplete: memory stays bounded. */
export const MAX_OPEN_CALLS = 10_000;

export const openCalls: OpenCalls = ((globalThis as { [OPEN_CALLS]?: OpenCalls })[OPEN_CALLS] ??= { first: undefined, last: undefined, size: 0 });

export function addOpenCall(call: OpenCall): void {
  const last = openCalls.last;
  call.openPrev = last;
  call.openNext = undefined;
  if (last === undefined) openCalls.first = call;
  else last.openNext = call;
  openCalls.last = call;
  if (++openCalls.size > MAX_OPEN_CALLS) {
    const oldest = openCalls.first!;
    try {
      oldest.endIncomplete();
    } catch {
      // a call that cannot be ended still leaves: the list stays bounded, and the new call is not failed for it
    }
    removeOpenCall(oldest);
  }
}

/** Takes `call` out of the list; a call not in it is left alone. */
export function removeOpenCall(call: OpenCall): void {
  const { openPrev: prev, openNext: next } = call;
  if (prev !== undefined) prev.openNext = next;
  else if (openCalls.first === call) openCalls.first = next;
  else return;
  if (next !== undefined) next.openPrev = prev;
  else openCalls.last = prev;
  call.openPrev = call.openNext = undefined;
  openCalls.size--;
}
