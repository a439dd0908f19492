/** Our own diagnostics: one prefix, a level, and "once" for warnings that would otherwise repeat. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function isLogLevel(v: unknown): v is LogLevel {
  return typeof v === 'string' && v in ORDER;
}

/** A growing drop count is reported at once, then at most this often. */
export const DROP_REPORT_INTERVAL_MS = 10_000;

let threshold = ORDER.info;
const said = new Set<string>();
const lastSaid = new Map<string, number>();

export const logger = {
  setLevel(level: LogLevel): void {
    threshold = ORDER[level];
  },
  enabled(level: LogLevel): boolean {
    return ORDER[level] >= threshold;
  },
  debug(msg: string): void {
    write('debug', msg);
  },
  info(msg: string): void {
    write('info', msg);
  },
  warn(msg: string): void {
    write('warn', msg);
  },
  error(msg: string): void {
    write('error', msg);
  },
  /** Logs a message the first time `key` is seen in this process, then stays quiet. */
  once(level: LogLevel, key: string, msg: string): void {
    if (said.has(key)) return;
    said.add(key);
    write(level, msg);
  },
  /** Logs under `key` at most once per `intervalMs`; for counters that grow (drops). */
  every(level: LogLevel, key: string, intervalMs: number, msg: string): void {
    const now = Date.now();
    const last = lastSaid.get(key);
    if (last !== undefined && now - last < intervalMs) return;
    lastSaid.set(key, now);
    write(level, msg);
  },
  /** Forgets which "once" messages were said (tests). */
  resetOnce(): void {
    said.clear();
    lastSaid.clear();
  },
};

function write(level: LogLevel, msg: string): void {
  if (ORDER[level] < threshold) return;
  try {
    process.stderr.write(`AgentOps: ${level === 'info' ? '' : `${level}: `}${msg}\n`);
  } catch {
    // stderr closed: diagnostics are never worth an exception in the host app.
  }
}
