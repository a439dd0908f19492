import Module from 'node:module';
import { INSTRUMENTED_PACKAGES } from './instrumented-packages.js';

/**
 * What a CommonJS app requires when AgentOps has something to do: a library we instrument, the OpenTelemetry
 * API (the app's own tracing, which AgentOps joins), AgentOps itself, and what starts child processes or
 * workers (which join the session).
 */
const FIRST_USE_PACKAGES: readonly string[] = [...INSTRUMENTED_PACKAGES, '@opentelemetry/api', '@agentops/otel'];
const FIRST_USE_BUILTINS = new Set(['child_process', 'cluster', 'worker_threads'].flatMap((m) => [m, `node:${m}`]));

/** Whether requiring `id` is AgentOps' first use: a watched package, one of its files, or a watched builtin. */
export function isFirstUse(id: string): boolean {
  if (FIRST_USE_BUILTINS.has(id)) return true;
  for (const name of FIRST_USE_PACKAGES) {
    if (id.startsWith(name) && (id.length === name.length || id.charCodeAt(name.length) === 47 /* / */)) return true;
  }
  return false;
}

type Require = (this: unknown, id: string) => unknown;
type UncaughtListener = (error: unknown, origin: string) => void;

/**
 * The `--require` preload's start-up: instead of loading AgentOps, the OpenTelemetry API and Node's child
 * process, worker and crypto modules into every process, it waits for the first require that needs them
 * ({@link isFirstUse}) and calls `start` just before that module loads, so the module is patched as if
 * AgentOps had started first. A process that never gets there pays for one require hook. An uncaught
 * exception before then starts AgentOps too, and the listeners `start` adds get that exception, so the crash
 * is recorded as it would have been.
 */
export function startAtFirstUse(start: () => void): void {
  const proto = Module.prototype as unknown as { require: Require };
  const original = proto.require;
  let started = false;

  const begin = (): void => {
    started = true;
    // Restored when nothing wrapped it since; otherwise it stays, passing every call through.
    if (proto.require === waiting) proto.require = original;
    process.removeListener('uncaughtExceptionMonitor', onCrash);
    start();
  };

  function waiting(this: unknown, id: string): unknown {
    if (!started && typeof id === 'string' && isFirstUse(id)) {
      begin();
      // Through the hooks `start` installed, so the module is patched as it loads.
      return proto.require.call(this, id);
    }
    return original.call(this, id);
  }

  function onCrash(error: unknown, origin: string): void {
    if (started) return;
    const before = new Set(process.listeners('uncaughtExceptionMonitor'));
    begin();
    for (const listener of process.listeners('uncaughtExceptionMonitor') as UncaughtListener[]) {
      if (!before.has(listener)) listener.call(process, error, origin);
    }
  }

  proto.require = waiting;
  process.on('uncaughtExceptionMonitor', onCrash);
}
