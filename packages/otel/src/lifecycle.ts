import { ErrorEvent } from './events.js';
import { logger } from './logger.js';
import { endOpenLlmCalls } from './open-calls.js';
import type { Session } from './session.js';

/** What the process-end rules act on. */
export interface LifecycleTarget {
  liveSessions(): Session[];
  /** True when something is queued or being sent. */
  hasPending(): boolean;
  flush(timeoutMs: number): Promise<void>;
  flushSync(): void;
  /** The time to deliver at exit is up: stop sending, so the process can end (what is left is counted as dropped). */
  abandon(): void;
  readonly skipAutoEndSession: boolean;
}

export const EXIT_REASON = 'N/A (process exited without calling endSession)';
/** How long a signal may wait for the flush before the process ends as it would have without us. */
const SIGNAL_FLUSH_MS = 3000;
/**
 * How long a process whose event loop ran dry may stay alive to deliver, in all: with the server down or
 * misbehaving, retries must not keep a finished app alive for their whole window.
 */
export const EXIT_FLUSH_MS = 3000;
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function endAll(target: LifecycleTarget, state: 'Indeterminate' | 'Failure', reason: string, error?: unknown): void {
  endOpenLlmCalls();
  if (target.skipAutoEndSession) return;
  for (const s of target.liveSessions()) {
    try {
      if (error !== undefined) s.record(new ErrorEvent({ exception: error }));
      s._end(state, reason);
    } catch (e) {
      logger.debug(`ending session ${s.id} failed: ${String(e)}`);
    }
  }
}

/**
 * The process-end rules of SPEC §2, so that nothing recorded is lost however the process ends:
 * - the event loop runs dry (`beforeExit`): live sessions end `Indeterminate`, then an async flush;
 * - `process.exit()` (`exit`, where only synchronous code runs): the same end, then a synchronous hand-off
 *   of everything pending to the exporter (`exportSync`);
 * - SIGINT / SIGTERM: live sessions end `Failure`; if the app listens for the signal itself, we flush and
 *   leave the exit to it, otherwise we flush (bounded) and re-raise the signal, so the process dies of it
 *   as it would have without us;
 * - an uncaught exception or unhandled rejection that will kill the process: sessions end `Failure` with the
 *   error and its stack; the `exit` rule then hands the spans over.
 * Returns the function that removes the hooks.
 */
export function installProcessHooks(target: LifecycleTarget): () => void {
  let flushingAtBeforeExit = false;
  let exitDeadline: number | undefined;
  const onBeforeExit = (): void => {
    if (flushingAtBeforeExit) return;
    endAll(target, 'Indeterminate', EXIT_REASON);
    if (!target.hasPending()) return;
    exitDeadline ??= Date.now() + EXIT_FLUSH_MS;
    const left = exitDeadline - Date.now();
    if (left <= 0) {
      target.abandon();
      return;
    }
    flushingAtBeforeExit = true;
    void target.flush(left).finally(() => {
      flushingAtBeforeExit = false;
      if (target.hasPending() && Date.now() >= (exitDeadline ?? 0)) target.abandon();
    });
  };

  const onExit = (): void => {
    endAll(target, 'Indeterminate', EXIT_REASON);
    target.flushSync();
  };

  const signalHandlers = new Map<NodeJS.Signals, () => void>();
  for (const sig of SIGNALS) {
    const handler = (): void => {
      endAll(target, 'Failure', `Signal ${sig} detected`);
      const appListens = process.listeners(sig).some((l) => l !== handler);
      if (appListens) {
        // The app decides how to exit; if it calls process.exit, the exit rule hands the spans over.
        void target.flush(SIGNAL_FLUSH_MS);
        return;
      }
      void target.flush(SIGNAL_FLUSH_MS).finally(() => {
        target.abandon();
        process.removeListener(sig, handler);
        process.kill(process.pid, sig);
      });
    };
    signalHandlers.set(sig, handler);
    process.on(sig, handler);
  }

  const onUncaught = (error: unknown, origin: string): void => {
    // With a handler of its own the app lives on, and so do its sessions.
    if (process.listenerCount('uncaughtException') > 0) return;
    const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    const what = origin === 'unhandledRejection' ? 'Unhandled rejection' : 'Uncaught exception';
    endAll(target, 'Failure', `${what}: ${detail}`, error);
  };

  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  process.on('uncaughtExceptionMonitor', onUncaught);

  return () => {
    process.removeListener('beforeExit', onBeforeExit);
    process.removeListener('exit', onExit);
    process.removeListener('uncaughtExceptionMonitor', onUncaught);
    for (const [sig, handler] of signalHandlers) process.removeListener(sig, handler);
  };
}
