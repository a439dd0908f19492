import { ActionEvent, ErrorEvent, ToolEvent } from './events.js';
import { nowMs } from './clock.js';
import type { Session } from './session.js';

type AnyFn = (...args: never[]) => unknown;

/**
 * Wraps `fn` so each call is recorded as an event of the current session: the arguments as params, the
 * result (awaited for promises) as returns, the time it took; a throw or rejection also records an
 * `ErrorEvent` tied to it and then reaches the caller unchanged.
 */
export function wrapRecorded<F extends AnyFn>(
  kind: 'action' | 'tool',
  name: string,
  fn: F,
  currentSession: () => Session | undefined,
): F {
  if (typeof fn !== 'function') {
    throw new TypeError(`AgentOps: record${kind === 'action' ? 'Action' : 'Tool'}(name, fn) needs a function as fn; got ${typeof fn}.`);
  }
  const wrapped = function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
    const session = currentSession();
    if (!session) return fn.apply(this, args) as ReturnType<F>;
    const start = nowMs();
    const make = (returns: unknown) =>
      kind === 'action'
        ? new ActionEvent({ actionType: name, params: args, returns, initTimestamp: start })
        : new ToolEvent({ name, params: args, returns, initTimestamp: start });
    const fail = (error: unknown): void => {
      const event = make(undefined);
      session.record(event);
      session.record(new ErrorEvent({ triggerEvent: event, exception: error }));
    };
    let result: unknown;
    try {
      result = fn.apply(this, args);
    } catch (error) {
      fail(error);
      throw error;
    }
    if (result instanceof Promise) {
      // The caller gets the very promise fn returned; we only observe it.
      result.then(
        (value) => session.record(make(value)),
        (error) => fail(error),
      );
      return result as ReturnType<F>;
    }
    session.record(make(result));
    return result as ReturnType<F>;
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name || name });
  return wrapped as unknown as F;
}
