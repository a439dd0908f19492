import { performance } from 'node:perf_hooks';

/** Epoch milliseconds with sub-millisecond precision, monotonic within the process. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Accepts the timestamp forms users pass (Date, ISO string, epoch ms); undefined if none or invalid. */
export function toEpochMs(t: Date | string | number | undefined): number | undefined {
  if (t === undefined) return undefined;
  const ms = t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}
