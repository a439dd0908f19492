import { createRequire } from 'node:module';
import type { TracerProvider } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { logger } from './logger.js';

/** Options of {@link getAgentOpsInstrumentations}. */
export interface AgentOpsInstrumentationOptions {
  /** Record prompts and completions. Default: `AGENTOPS_CAPTURE_CONTENT` / the GenAI env variable, else true. */
  captureContent?: boolean;
}

/** What `init` needs of an instrumentation: patch one build of its library, undo it. */
interface Patcher {
  patch(exports: unknown): unknown;
  unpatch(exports: unknown): void;
  setTracerProvider(provider: TracerProvider): void;
}

const req = createRequire(import.meta.url);

/** The libraries we instrument, and where their instrumentation lives (loaded only when needed). */
const LIBRARIES: Record<string, () => new (config: Record<string, unknown>) => Patcher> = {
  openai: () => (req('@agentops/instrumentation-openai') as { OpenAIInstrumentation: new (c: Record<string, unknown>) => Patcher }).OpenAIInstrumentation,
  '@anthropic-ai/sdk': () =>
    (req('@agentops/instrumentation-anthropic') as { AnthropicInstrumentation: new (c: Record<string, unknown>) => Patcher }).AnthropicInstrumentation,
};

/**
 * The LLM client instrumentations (`openai`, `@anthropic-ai/sdk`), for `new NodeSDK({ instrumentations })` or
 * `registerInstrumentations`. `init()` instruments the same libraries itself unless `instrumentLlmCalls: false`.
 */
export function getAgentOpsInstrumentations(options: AgentOpsInstrumentationOptions = {}): Instrumentation[] {
  const cfg = options.captureContent === undefined ? {} : { captureContent: options.captureContent };
  return Object.values(LIBRARIES).map((load) => new (load() as unknown as new (c: Record<string, unknown>) => Instrumentation)(cfg));
}

/** Set by the ESM preload once import-in-the-middle's loader hook is registered. */
export const ESM_LOADER_FLAG = Symbol.for('agentops.esmLoaderHook');

/**
 * What `init` does instead of enabling every instrumentation at start-up: a require hook (and, under the ESM
 * preload, an import hook) for the instrumented libraries alone. An instrumentation's code is loaded the first
 * time its library is, so an app pays nothing for clients it never uses. A library already loaded is
 * patched at once. Returns what undoes it all.
 */
export function enableInstrumentations(provider: TracerProvider | undefined, captureContent: boolean): () => void {
  const instances = new Map<string, Patcher>();
  const patched: Array<[Patcher, unknown]> = [];
  const patch = (exports: unknown, name: string): unknown => {
    const load = LIBRARIES[name];
    if (!load) return exports;
    try {
      let inst = instances.get(name);
      if (!inst) {
        // Disabled as an OpenTelemetry instrumentation (no hooks of its own): we call patch() ourselves.
        inst = new (load())({ enabled: false, captureContent });
        if (provider) inst.setTracerProvider(provider);
        instances.set(name, inst);
      }
      inst.patch(exports);
      patched.push([inst, exports]);
    } catch (e) {
      logger.warn(`could not instrument ${name}: ${String(e)}`);
    }
    return exports;
  };

  const names = Object.keys(LIBRARIES);
  const { Hook } = req('require-in-the-middle') as typeof import('require-in-the-middle');
  const requireHook = new Hook(names, { internals: false }, (exports, name) => patch(exports, name) as typeof exports);
  let importHook: { unhook(): void } | undefined;
  if ((globalThis as Record<symbol, unknown>)[ESM_LOADER_FLAG]) {
    const IITM = req('import-in-the-middle') as { Hook: new (m: string[], cb: (e: unknown, n: string) => unknown) => { unhook(): void } };
    importHook = new IITM.Hook(names, (exports, name) => patch(exports, name));
  }
  const appRequire = createRequire(`${process.cwd()}/`);
  for (const name of names) {
    try {
      const cached = appRequire.cache[appRequire.resolve(name)];
      if (cached?.loaded) patch(cached.exports, name);
    } catch {
      // not installed for this app: nothing to patch
    }
  }
  return () => {
    requireHook.unhook();
    importHook?.unhook();
    for (const [inst, exports] of patched) inst.unpatch(exports);
  };
}
