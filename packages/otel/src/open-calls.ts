/** What the SDK sees of an LLM call an instrumentation has not ended yet (see instrumentation-utils' LlmCall). */
interface OpenCall {
  readonly traceId: string;
  endIncomplete(): void;
}

const OPEN_CALLS = Symbol.for('agentops.openLlmCalls');

/**
 * Ends the calls nobody consumed — a stream never read, a promise never awaited — as incomplete, so each is still
 * an LLM event: those of one trace (a session ending), or all (the process ending).
 */
export function endOpenLlmCalls(traceId?: string): void {
  const open = (globalThis as { [OPEN_CALLS]?: Set<OpenCall> })[OPEN_CALLS];
  if (!open || open.size === 0) return;
  for (const call of [...open]) {
    try {
      if (traceId === undefined || call.traceId === traceId) call.endIncomplete();
    } catch {
      // a call that cannot be ended must not stop the others
    }
  }
}
