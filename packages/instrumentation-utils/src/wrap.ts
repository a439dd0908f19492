import { createRequire } from 'node:module';

const OURS = Symbol.for('agentops.instrumentation.wrapper');

/** Marks a wrapper function as ours. */
export function markOurs<F extends object>(fn: F): F {
  Object.defineProperty(fn, OURS, { value: true });
  return fn;
}

export function isOursWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[OURS] === true;
}

const warned = new Set<string>();

/**
 * Another instrumentation (shimmer sets `__wrapped`) already wrapped `method`: say so once. Both spans will
 * exist; the inner one is a child LLM span of ours, which AgentOps counts once.
 */
export function warnIfForeignWrapped(original: unknown, method: string, log: (msg: string) => void): void {
  const f = original as { __wrapped?: boolean } | undefined;
  if (f?.__wrapped && !isOursWrapped(original) && !warned.has(method)) {
    warned.add(method);
    log(`${method} is already wrapped by another instrumentation; AgentOps adds its span on top and counts the call once.`);
  }
}

/**
 * A library the app required before the instrumentation was enabled never passes through the require hook:
 * find it in the CommonJS cache (resolved from the app's working directory) and patch it now.
 */
export function patchIfAlreadyLoaded(moduleName: string, patch: (exports: unknown) => void): void {
  try {
    const req = createRequire(`${process.cwd()}/`);
    const file = req.resolve(moduleName);
    const cached = req.cache[file];
    if (cached?.loaded) patch(cached.exports);
  } catch {
    // not installed, or not loaded: the hook will see it when it is
  }
}

const DUPLICATE_SCOPES = Symbol.for('agentops.duplicateScopes');

/**
 * Some clients trace themselves (the Anthropic SDK's `com.anthropic.sdk.typescript` spans): while our
 * instrumentation of that client is enabled, their spans describe calls we already record, and the AgentOps
 * span processor marks them so each call is counted once.
 */
export function setScopeDuplicated(scope: string, duplicated: boolean): void {
  const g = globalThis as { [DUPLICATE_SCOPES]?: Set<string> };
  const set = (g[DUPLICATE_SCOPES] ??= new Set());
  if (duplicated) set.add(scope);
  else set.delete(scope);
}
