import { createRequire, register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TracerProvider } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { logger } from './logger.js';
import { isInstrumentedPackage, type InstrumentedPackage } from './instrumented-packages.js';
import { mainIsEsm } from './preload-start.js';

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

type PatcherClass = new (config: Record<string, unknown>) => Patcher;

/**
 * The libraries we instrument, and where their instrumentation lives (loaded only when needed). `file`: the
 * module inside the package that is patched, when it is not the package's entry point.
 */
const LIBRARIES: Record<InstrumentedPackage, { load: () => PatcherClass; file?: RegExp; loaded?: () => unknown }> = {
  openai: { load: () => (req('@agentops/instrumentation-openai') as { OpenAIInstrumentation: PatcherClass }).OpenAIInstrumentation },
  '@anthropic-ai/sdk': { load: () => (req('@agentops/instrumentation-anthropic') as { AnthropicInstrumentation: PatcherClass }).AnthropicInstrumentation },
  '@google/genai': { load: () => (req('@agentops/instrumentation-google-genai') as { GoogleGenAIInstrumentation: PatcherClass }).GoogleGenAIInstrumentation },
  '@mistralai/mistralai': { load: () => (req('@agentops/instrumentation-mistral') as { MistralInstrumentation: PatcherClass }).MistralInstrumentation },
  'cohere-ai': { load: () => (req('@agentops/instrumentation-cohere') as { CohereInstrumentation: PatcherClass }).CohereInstrumentation },
  '@aws-sdk/client-bedrock-runtime': { load: () => (req('@agentops/instrumentation-bedrock') as { BedrockInstrumentation: PatcherClass }).BedrockInstrumentation },
  ai: { load: () => (req('@agentops/instrumentation-ai-sdk') as { AISdkInstrumentation: PatcherClass }).AISdkInstrumentation },
  '@openai/agents-core': {
    load: () => (req('@agentops/instrumentation-openai-agents') as { OpenAIAgentsInstrumentation: PatcherClass }).OpenAIAgentsInstrumentation,
    // A dependency of @openai/agents the app does not resolve itself; once loaded, its trace provider is global.
    loaded: () => {
      const provider = (globalThis as Record<symbol, unknown>)[Symbol.for('openai.agents.core.traceProvider')];
      return provider ? { getGlobalTraceProvider: () => provider } : undefined;
    },
  },
  '@langchain/core': {
    load: () => (req('@agentops/instrumentation-langchain') as { LangChainInstrumentation: PatcherClass }).LangChainInstrumentation,
    file: /[\\/]dist[\\/]callbacks[\\/]manager\.c?js$/,
  },
};

/** The library a module the require or import hook reports belongs to (its entry point, or its patched file). */
function libraryOf(name: string): InstrumentedPackage | undefined {
  if (isInstrumentedPackage(name)) return LIBRARIES[name].file ? undefined : name;
  for (const [module, { file }] of libraries()) {
    if (file && name.startsWith(`${module}/`) && file.test(name.slice(module.length))) return module;
  }
  return undefined;
}

function libraries(): Array<[InstrumentedPackage, (typeof LIBRARIES)[InstrumentedPackage]]> {
  return Object.entries(LIBRARIES) as Array<[InstrumentedPackage, (typeof LIBRARIES)[InstrumentedPackage]]>;
}

/**
 * The LLM client and framework instrumentations (`openai`, `@anthropic-ai/sdk`, the AI SDK's `ai`), for `new NodeSDK({ instrumentations })` or
 * `registerInstrumentations`. `init()` instruments the same libraries itself unless `instrumentLlmCalls: false`.
 * In an ES module app it also registers the loader hook that ESM instrumentation needs (see
 * {@link registerEsmLoaderHook}), so an `--import ./setup.mjs` file that starts a `NodeSDK` captures LLM calls.
 */
export function getAgentOpsInstrumentations(options: AgentOpsInstrumentationOptions = {}): Instrumentation[] {
  registerEsmLoaderHook();
  const cfg = options.captureContent === undefined ? {} : { captureContent: options.captureContent };
  return Object.values(LIBRARIES).map(({ load }) => new (load() as unknown as new (c: Record<string, unknown>) => Instrumentation)(cfg));
}

/** Resolves import-in-the-middle as @opentelemetry/instrumentation does: one copy for the loader and every Hook. */
function iitmRequire(): NodeJS.Require {
  return createRequire(path.join(path.dirname(req.resolve('@opentelemetry/instrumentation')), 'noop.js'));
}

/** A loader hook for import-in-the-middle that the app registered itself (command line or NODE_OPTIONS). */
function appHasLoaderHook(): boolean {
  const args = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  return /(import-in-the-middle|@opentelemetry[\\/]instrumentation)[\\/]hook\.mjs|auto-instrumentations-node[\\/]register/.test(args);
}

/** True while `--import` preloads run: the caller is one of them, so the app's modules are still to be loaded. */
function calledFromImportPreload(): boolean {
  const preloads: string[] = [];
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = a === '--import' ? args[++i] : a.startsWith('--import=') ? a.slice(9) : undefined;
    if (!v) continue;
    const clean = v.replace(/^["']|["']$/g, '');
    if (clean.startsWith('file:')) preloads.push(fileURLToPath(clean));
    else if (/^(\.|\/|[a-z]:\\)/i.test(clean)) preloads.push(path.resolve(clean));
    else preloads.push(`${path.sep}node_modules${path.sep}${clean.split('/').slice(0, clean.startsWith('@') ? 2 : 1).join(path.sep)}${path.sep}`);
  }
  if (preloads.length === 0) return false;
  const stack = new Error().stack ?? '';
  return preloads.some((p) => stack.includes(p) || (path.isAbsolute(p) && stack.includes(pathToFileURL(p).href)));
}

/**
 * Registers import-in-the-middle's loader hook (for the instrumented libraries only) unless one is there
 * already: OpenTelemetry's instrumentation of ES modules needs it, and an app with its own `NodeSDK` rarely
 * registers it. Works when called before the app's modules are loaded (an `--import ./setup.mjs` file); called
 * later, libraries the app already imported cannot be patched, and one warning says what to add.
 * Returns true when a hook is in place.
 */
export function registerEsmLoaderHook(options: { warnIfLate?: boolean } = {}): boolean {
  const g = globalThis as Record<symbol, unknown>;
  if (g[ESM_LOADER_FLAG]) return true;
  if (appHasLoaderHook()) {
    g[ESM_LOADER_FLAG] = 'app';
    return true;
  }
  if (typeof register !== 'function') return false;
  // A CommonJS app requires its clients: the require hook sees them, no loader thread is needed.
  if (options.warnIfLate !== false && !mainIsEsm()) return false;
  try {
    // The hook of the import-in-the-middle copy that @opentelemetry/instrumentation uses, so that the Hook
    // objects it makes see the modules this loader wraps.
    const hook = iitmRequire().resolve('import-in-the-middle/hook.mjs');
    // Entry points by name; patched files inside a package (imported by relative paths) by their URL.
    const include: Array<string | RegExp> = Object.entries(LIBRARIES).map(([name, { file }]) =>
      file ? new RegExp(`${name.replace(/[/]/g, '[\\\\/]')}${file.source}`) : name,
    );
    register(pathToFileURL(hook).href, import.meta.url, { data: { include } });
    g[ESM_LOADER_FLAG] = true;
  } catch (e) {
    logger.warn(`could not register the ES module loader hook (${String(e)}); start the app with --import @agentops/otel/register to capture LLM calls.`);
    return false;
  }
  if (options.warnIfLate !== false && mainIsEsm() && !calledFromImportPreload()) {
    logger.warn(
      'getAgentOpsInstrumentations() ran after the app\'s ES modules were loaded, so openai / @anthropic-ai/sdk imported by them are not captured. ' +
        'Start your OpenTelemetry setup before them: node --import ./setup.mjs app.mjs (or add --import @agentops/otel/register).',
    );
  }
  return true;
}

/** Set once import-in-the-middle's loader hook is registered (by us, or found on the command line). */
export const ESM_LOADER_FLAG = Symbol.for('agentops.esmLoaderHook');

/**
 * What `init` does instead of enabling every instrumentation at start-up: a require hook (and, under the ESM
 * preload, an import hook) for the instrumented libraries alone. An instrumentation's code is loaded the first
 * time its library is, so an app pays nothing for clients it never uses. A library already loaded is
 * patched at once. Returns what undoes it all.
 */
export function enableInstrumentations(provider: TracerProvider): () => void {
  const instances = new Map<InstrumentedPackage, Patcher>();
  const patched: Array<[Patcher, unknown]> = [];
  const patch = (exports: unknown, reported: string): unknown => {
    const name = libraryOf(reported);
    if (!name) return exports;
    try {
      let inst = instances.get(name);
      if (!inst) {
        // Disabled as an OpenTelemetry instrumentation (no hooks of its own): we call patch() ourselves.
        inst = new (LIBRARIES[name].load())({ enabled: false });
        inst.setTracerProvider(provider);
        instances.set(name, inst);
      }
      // A module whose exports cannot be changed in place (read-only getters) is handed back patched.
      const result = inst.patch(exports) ?? exports;
      patched.push([inst, result]);
      return result;
    } catch (e) {
      logger.warn(`could not instrument ${name}: ${String(e)}`);
    }
    return exports;
  };

  const names = Object.keys(LIBRARIES);
  const internals = Object.values(LIBRARIES).some((l) => l.file);
  const { Hook } = req('require-in-the-middle') as typeof import('require-in-the-middle');
  // `internals`: the hook also reports the files inside the packages, as `<package>/<path>`.
  const requireHook = new Hook(names, { internals }, (exports, name) => patch(exports, name) as typeof exports);
  let importHook: { unhook(): void } | undefined;
  if ((globalThis as Record<symbol, unknown>)[ESM_LOADER_FLAG]) {
    const IITM = iitmRequire()('import-in-the-middle') as {
      Hook: new (m: string[], o: { internals: boolean }, cb: (e: unknown, n: string) => unknown) => { unhook(): void };
    };
    importHook = new IITM.Hook(names, { internals }, (exports, name) => patch(exports, name));
  }
  const appRequire = createRequire(`${process.cwd()}/`);
  for (const [name, { file, loaded }] of libraries()) {
    try {
      const exports = loaded?.();
      if (exports) {
        patch(exports, name);
        continue;
      }
      if (!file) {
        const cached = appRequire.cache[appRequire.resolve(name)];
        if (cached?.loaded) cached.exports = patch(cached.exports, name);
        continue;
      }
      const root = path.dirname(appRequire.resolve(`${name}/package.json`));
      for (const [filename, cached] of Object.entries(appRequire.cache)) {
        if (cached?.loaded && filename.startsWith(root + path.sep) && file.test(filename.slice(root.length))) patch(cached.exports, name + filename.slice(root.length).split(path.sep).join('/'));
      }
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
