/**
 * What the SDK sees of the LLM calls instrumentations have not ended yet: the list instrumentation-utils keeps in a
 * global (its open-calls.ts), oldest first, threaded through the calls.
 */
interface OpenCall {
  readonly openNext: OpenCall | undefined;
  readonly traceId: string;
  endIncomplete(): void;
}

const OPEN_CALLS = Symbol.for('agentops.openLlmCalls.list');

/**
 * Ends the calls nobody consumed — a stream never read, a promise never awaited — as incomplete, so each is still
 * an LLM event: those of one trace (a session ending), or all (the process ending).
 */
export function endOpenLlmCalls(traceId?: string): void {
  const open = (globalThis as { [OPEN_CALLS]?: { first: OpenCall | undefined; size: number } })[OPEN_CALLS];
  if (!open || open.size === 0) return;
  // Ending a call takes it out of the list: the calls are gathered first.
  const calls: OpenCall[] = [];
  for (let call = open.first; call !== undefined && calls.length < open.size; call = call.openNext) calls.push(call);
  for (const call of calls) {
    try {
      if (traceId === undefined || call.traceId === traceId) call.endIncomplete();
    } catch {
      // a call that cannot be ended must not stop the others
    }
  }
}
