import { context, trace } from '@opentelemetry/api';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { logger } from './logger.js';
import type { Session } from './session.js';

/** What following child processes needs of the SDK. */
export interface ChildFollowHost {
  currentSession(): Session | undefined;
  /** The preload this process ran with, passed on to Node children the same way. */
  readonly preload: 'require' | 'import' | undefined;
}

type Env = Record<string, string | undefined>;
type AnyFn = (...args: unknown[]) => unknown;

/** The synchronous forms, which do not go through `ChildProcess.prototype.spawn`: how each takes its arguments. */
const SYNC_FUNCTIONS = { spawnSync: 'file', execFileSync: 'file', execSync: 'command' } as const;
type ArgsKind = (typeof SYNC_FUNCTIONS)[keyof typeof SYNC_FUNCTIONS];

// The preloads are built next to this module (dist/register.cjs, dist/register-esm.js).
const PRELOAD_FILES = {
  require: () => fileURLToPath(new URL('./register.cjs', import.meta.url)),
  import: () => new URL('./register-esm.js', import.meta.url).href,
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The program of a shell command line: its first word, unquoted. */
function firstWord(command: unknown): string | undefined {
  const m = /^\s*(?:"([^"]+)"|'([^']+)'|(\S+))/.exec(String(command));
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

function isNodeProgram(file: unknown): boolean {
  if (typeof file !== 'string') return false;
  if (file === process.execPath) return true;
  return /^node(\.exe)?$/i.test(path.basename(file));
}

/** `traceparent` of the span a child starts under: the active one when it is in the session's trace, else the root. */
function traceparentFor(session: Session): string | undefined {
  const active = trace.getSpanContext(context.active());
  const root = trace.getSpanContext(session._context);
  const sc = active && root && active.traceId === root.traceId ? active : root;
  return sc ? `00-${sc.traceId}-${sc.spanId}-01` : undefined;
}

/**
 * The env a child gets, or undefined to leave its arguments alone. An env the app passed is followed only
 * when it keeps every `AGENTOPS_*` variable this process has (a spread of `process.env`, say): one without them
 * is the app's deliberate choice.
 */
function childEnv(host: ChildFollowHost, given: Env | undefined, node: boolean): Env | undefined {
  const session = host.currentSession();
  if (!session || session.ended) return undefined;
  if (given) {
    for (const key of Object.keys(process.env)) {
      if (key.startsWith('AGENTOPS_') && given[key] === undefined) return undefined;
    }
  }
  // No announcement here: a process that only starts children leaves no session of its own behind; the
  // child that records something announces the joined session.
  const env: Env = { ...(given ?? process.env) };
  env.AGENTOPS_INHERITED_SESSION_ID ??= session.id;
  if (env.AGENTOPS_INHERITED_SESSION_ID === session.id) {
    const parent = traceparentFor(session);
    if (parent) env.TRACEPARENT = parent;
  }
  if (node) {
    const options = env.NODE_OPTIONS ?? '';
    if (!/@agentops[\\/]otel[\\/](register|dist[\\/]register)/.test(options)) {
      const flavour = host.preload ?? 'import';
      env.NODE_OPTIONS = `${options} --${flavour} ${JSON.stringify(PRELOAD_FILES[flavour]())}`.trim();
    }
  }
  return env;
}

/** The arguments with the child's env put in the options object (added where the call had none). */
function withChildEnv(host: ChildFollowHost, kind: ArgsKind, args: unknown[]): unknown[] {
  let at = 1;
  if (kind !== 'command' && (Array.isArray(args[1]) || args[1] == null) && args.length > 1) at = 2;
  const existing = args[at];
  if (existing !== undefined && existing !== null && !isObject(existing)) {
    // A callback where the options would be: they are to be inserted before it.
    if (typeof existing !== 'function') return args;
  }
  const options = isObject(existing) ? existing : undefined;
  const node = isNodeProgram(kind === 'file' ? args[0] : firstWord(args[0]));
  const env = childEnv(host, options?.env as Env | undefined, node);
  if (!env) return args;
  const out = args.slice();
  if (options) out[at] = { ...options, env };
  else if (typeof existing === 'function') out.splice(at, 0, { env });
  else {
    while (out.length < at) out.push(undefined);
    out[at] = { env };
  }
  return out;
}

function wrap(host: ChildFollowHost, kind: ArgsKind, original: AnyFn): AnyFn {
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    let callArgs = args;
    try {
      callArgs = withChildEnv(host, kind, args);
    } catch (e) {
      logger.debug(`could not pass the session to a child process: ${String(e)}`);
    }
    return original.apply(this, callArgs);
  } as AnyFn;
  Object.defineProperty(wrapped, 'name', { value: original.name });
  return wrapped;
}

type SpawnOptions = { file?: string; args?: string[]; envPairs?: string[] };

/** Whether what `ChildProcess.prototype.spawn` starts is Node, also through a shell (`exec`). */
function spawnsNode(options: SpawnOptions): boolean {
  if (isNodeProgram(options.file)) return true;
  const args = options.args ?? [];
  const shellLine = args.length >= 3 && /^(-c|\/d \/s \/c)$/.test(args[args.length - 2] ?? '') ? args[args.length - 1] : undefined;
  return shellLine !== undefined && isNodeProgram(firstWord(shellLine));
}

/** The env of an async child, as Node prepared it (`envPairs`), with the session added. */
function followSpawn(host: ChildFollowHost, options: SpawnOptions): void {
  if (!Array.isArray(options.envPairs)) return;
  const given: Env = {};
  for (const pair of options.envPairs) {
    const at = pair.indexOf('=');
    if (at > 0) given[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const env = childEnv(host, given, spawnsNode(options));
  if (env) options.envPairs = Object.entries(env).map(([k, v]) => `${k}=${v ?? ''}`);
}

/**
 * A child process started inside a session joins it (SPEC §7): its env gets `AGENTOPS_INHERITED_SESSION_ID`,
 * `TRACEPARENT` (so its spans nest under the span that started it) and, for a Node child, the preload in
 * `NODE_OPTIONS`. Non-Node children get the variables only; worker threads get the variables, so a worker that
 * calls `init()` joins the session. Returns what undoes it.
 */
export function followChildProcesses(host: ChildFollowHost): () => void {
  const cp = createRequire(import.meta.url)('node:child_process') as Record<string, AnyFn> & {
    ChildProcess: { prototype: { spawn(this: unknown, options: SpawnOptions): unknown } };
  };
  // spawn, fork, exec, execFile (and their promisified forms) all start the child here, however the app
  // imported them: even a function destructured before init() is followed.
  const proto = cp.ChildProcess.prototype;
  const originalSpawn = proto.spawn;
  proto.spawn = function spawn(this: unknown, options: SpawnOptions): unknown {
    try {
      followSpawn(host, options);
    } catch (e) {
      logger.debug(`could not pass the session to a child process: ${String(e)}`);
    }
    return originalSpawn.call(this, options);
  };
  const originals = new Map<string, AnyFn>();
  for (const [name, kind] of Object.entries(SYNC_FUNCTIONS)) {
    const original = cp[name];
    if (typeof original !== 'function') continue;
    originals.set(name, original);
    cp[name] = wrap(host, kind, original);
  }
  const wt = createRequire(import.meta.url)('node:worker_threads') as { Worker: new (file: unknown, options?: Record<string, unknown>) => object; SHARE_ENV: symbol };
  const OriginalWorker = wt.Worker;
  // A worker that records (its own init()) joins the session it was started in; the preload itself skips workers.
  wt.Worker = class Worker extends OriginalWorker {
    constructor(file: unknown, options: Record<string, unknown> = {}) {
      let opts = options;
      try {
        const given = options.env as Env | symbol | undefined;
        if (given !== wt.SHARE_ENV) {
          const env = childEnv(host, given as Env | undefined, false);
          if (env) opts = { ...options, env };
        }
      } catch (e) {
        logger.debug(`could not pass the session to a worker: ${String(e)}`);
      }
      super(file, opts);
    }
  };
  syncBuiltinESMExports();
  return () => {
    proto.spawn = originalSpawn;
    for (const [name, original] of originals) cp[name] = original;
    wt.Worker = OriginalWorker;
    syncBuiltinESMExports();
  };
}
