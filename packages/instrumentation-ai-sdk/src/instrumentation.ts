import { createRequire } from 'node:module';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import { InstrumentationSettings, isOursWrapped, markOurs, patchIfAlreadyLoaded } from '@agentops/instrumentation-utils';

declare const __PACKAGE_VERSION__: string;
export const PACKAGE_NAME = '@agentops/instrumentation-ai-sdk';
const PACKAGE_VERSION = typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0-dev';

/** Options; unset ones come from the AgentOps configuration, else the environment. */
export interface AISdkInstrumentationConfig extends InstrumentationConfig {
  /** Let the AI SDK record prompts and outputs (`recordInputs` / `recordOutputs`). Default: `AGENTOPS_CAPTURE_CONTENT`, else true. */
  captureContent?: boolean;
}

type Obj = Record<string, unknown>;
type Fn = (this: unknown, ...args: unknown[]) => unknown;

/** The AI SDK functions that take telemetry settings. */
const FUNCTIONS = ['generateText', 'streamText', 'generateObject', 'streamObject', 'embed', 'embedMany', 'rerank'] as const;

/** The global list of AI SDK 7 telemetry integrations (`registerTelemetry`). */
const AI_SDK_INTEGRATIONS = 'AI_SDK_TELEMETRY_INTEGRATIONS';

/**
 * Turns on the Vercel AI SDK's own OpenTelemetry telemetry (`ai` 4 to 7) for every call that did not set it,
 * so its spans (`ai.generateText` and its `doGenerate` / `doStream` provider calls, `ai.toolCall`...; in 7 the
 * GenAI spans of `@ai-sdk/otel`) reach AgentOps with no code change. A call that set `experimental_telemetry`
 * (7: `telemetry`) with `isEnabled` keeps exactly its settings; `isEnabled: false` wins. Nothing is re-traced:
 * the AI SDK's spans are the record. In 7, when no telemetry integration is registered and `@ai-sdk/otel` is
 * installed, its `OpenTelemetry` integration is registered at the first call.
 */
export class AISdkInstrumentation extends InstrumentationBase<AISdkInstrumentationConfig> {
  private readonly settings = new InstrumentationSettings();
  private registeredIntegration = false;

  constructor(config: AISdkInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this.settings.configure({ captureContent: config.captureContent });
  }

  override setConfig(config: AISdkInstrumentationConfig = {}): void {
    super.setConfig(config);
    this.settings?.configure({ captureContent: config.captureContent });
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        'ai',
        ['>=4 <8'],
        (exports: unknown) => this.patch(exports),
        (exports: unknown) => this.unpatch(exports),
      ),
    ];
  }

  override enable(): void {
    super.enable();
    patchIfAlreadyLoaded('ai', (exports) => this.patch(exports));
  }

  /**
   * Patches one build of `ai`. Its CommonJS build exports read-only getters: then an object with the same
   * exports and ours in their place is returned, which the require hook hands to the app.
   */
  patch(exports: unknown): unknown {
    if (!exports || typeof exports !== 'object') return exports;
    const mod = exports as Obj;
    // 7 takes `telemetry` and integrations (`registerTelemetry`); 4 to 6 take `experimental_telemetry`.
    const v7 = typeof mod.registerTelemetry === 'function';
    const replacements: Obj = {};
    for (const name of FUNCTIONS) {
      const original = mod[name];
      if (typeof original !== 'function' || isOursWrapped(original)) continue;
      replacements[name] = this.withTelemetry(original as Fn, v7, mod);
    }
    const names = Object.keys(replacements);
    if (names.length === 0) return exports;
    let inPlace = true;
    for (const name of names) {
      try {
        mod[name] = replacements[name];
      } catch {
        // read-only: handled below
      }
      inPlace &&= mod[name] === replacements[name];
    }
    if (inPlace) return exports;
    // Read-only exports (the CommonJS build's getters, an ES module namespace loaded by require()): the require
    // hook hands the app an object with the same exports and ours in their place.
    const descriptors = Object.getOwnPropertyDescriptors(mod);
    for (const name of names) descriptors[name] = { value: replacements[name], enumerable: true, writable: true, configurable: true };
    return Object.defineProperties({}, descriptors);
  }

  /** Undoes {@link patch} where the module took our functions in place. */
  unpatch(exports: unknown): void {
    if (!exports || typeof exports !== 'object') return;
    const mod = exports as Obj;
    for (const name of FUNCTIONS) {
      const f = mod[name] as { __original?: unknown } | undefined;
      if (isOursWrapped(f) && f?.__original) {
        try {
          mod[name] = f.__original;
        } catch {
          // read-only: the app holds the copy we gave it
        }
      }
    }
  }

  private withTelemetry(original: Fn, v7: boolean, mod: Obj): Fn {
    const self = this;
    const wrapped = markOurs(function (this: unknown, ...args: unknown[]): unknown {
      let callArgs = args;
      try {
        const options = args[0];
        const next = options && typeof options === 'object' ? self.withDefaultTelemetry(options as Obj, v7, mod) : options;
        if (next !== options) callArgs = [next, ...args.slice(1)];
      } catch (e) {
        self._diag.debug(`ai: telemetry not turned on: ${String(e)}`);
      }
      return original.apply(this, callArgs);
    });
    Object.defineProperty(wrapped, '__original', { value: original });
    Object.defineProperty(wrapped, 'name', { value: original.name });
    return wrapped;
  }

  /** A copy of the call's options with telemetry on, unless the call decided itself; the options are not touched. */
  private withDefaultTelemetry(options: Obj, v7: boolean, mod: Obj): Obj {
    const key = v7 && options.experimental_telemetry === undefined ? 'telemetry' : 'experimental_telemetry';
    const own = (options.telemetry ?? options.experimental_telemetry) as Obj | undefined;
    if (own !== undefined && (typeof own !== 'object' || own === null || typeof own.isEnabled === 'boolean')) return options;
    const capture = this.settings.get().captureContent;
    if (v7) this.ensureIntegration(mod, own);
    const telemetry: Obj = { recordInputs: capture, recordOutputs: capture, ...own, isEnabled: true };
    if (!v7 && telemetry.tracer === undefined) telemetry.tracer = this.tracer;
    return { ...options, [key]: telemetry };
  }

  /** AI SDK 7 emits spans only through a registered integration: register `@ai-sdk/otel`'s when there is none. */
  private ensureIntegration(mod: Obj, own: Obj | undefined): void {
    if (this.registeredIntegration || own?.integrations !== undefined) return;
    const g = globalThis as { [AI_SDK_INTEGRATIONS]?: unknown[] };
    if ((g[AI_SDK_INTEGRATIONS]?.length ?? 0) > 0) return;
    this.registeredIntegration = true;
    let otel: { OpenTelemetry?: new (o: Obj) => unknown } | undefined;
    for (const from of [`${process.cwd()}/`, process.argv[1] ?? `${process.cwd()}/`]) {
      try {
        otel = createRequire(from)('@ai-sdk/otel') as typeof otel;
        break;
      } catch {
        // not installed there
      }
    }
    if (!otel?.OpenTelemetry) {
      this._diag.warn('ai 7 emits telemetry through an integration: install @ai-sdk/otel to capture AI SDK calls.');
      return;
    }
    (mod.registerTelemetry as (i: unknown) => void)(new otel.OpenTelemetry({ tracer: this.tracer }));
  }
}
