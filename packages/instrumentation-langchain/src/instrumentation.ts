import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  type InstrumentationConfig,
} from '@opentelemetry/instrumentation';
import { isOursWrapped, markOurs } from '@agentops/instrumentation-utils';
import { AgentOpsCallbackHandler, HANDLER_NAME, PACKAGE_NAME, PACKAGE_VERSION } from './handler.js';

/** Options; unset ones come from the AgentOps configuration, else the environment. */
export interface LangChainInstrumentationConfig extends InstrumentationConfig {
  /** Record inputs, outputs, prompts and completions. Default: `AGENTOPS_CAPTURE_CONTENT`, else true. */
  captureContent?: boolean;
}

type Configure = (this: unknown, inheritable: unknown, ...rest: unknown[]) => unknown;
interface CallbackManagerLike {
  handlers?: Array<{ name?: string }>;
  copy?: () => CallbackManagerLike;
  addHandler?: (h: unknown, inheritable?: boolean) => void;
}

/** The module of `@langchain/core` that holds `CallbackManager` (CommonJS and ESM builds). */
export const CALLBACK_MANAGER_FILES = ['@langchain/core/dist/callbacks/manager.cjs', '@langchain/core/dist/callbacks/manager.js'];

/**
 * Adds an {@link AgentOpsCallbackHandler} to every LangChain.js / LangGraph.js run (`@langchain/core` 0.3 and
 * 1.x), as peers do: through the callback manager's configure step, which every run goes through. The app's own
 * handlers are kept and never changed (a manager that lacks ours is copied); a run that already has an
 * AgentOps handler (added by hand) gets no second one.
 */
export class LangChainInstrumentation extends InstrumentationBase<LangChainInstrumentationConfig> {
  private handler: AgentOpsCallbackHandler;

  constructor(config: LangChainInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this.handler = new AgentOpsCallbackHandler({ tracer: this.tracer, captureContent: config.captureContent });
  }

  override setConfig(config: LangChainInstrumentationConfig = {}): void {
    super.setConfig(config);
    // Called by the base constructor too, before our fields exist.
    if (this.handler) this.handler = new AgentOpsCallbackHandler({ tracer: this.tracer, captureContent: config.captureContent });
  }

  protected init() {
    const files = CALLBACK_MANAGER_FILES.map(
      (file) =>
        new InstrumentationNodeModuleFile(
          file,
          ['>=0.3 <2'],
          (exports: unknown) => this.patch(exports),
          (exports: unknown) => this.unpatch(exports),
        ),
    );
    return [new InstrumentationNodeModuleDefinition('@langchain/core', ['>=0.3 <2'], undefined, undefined, files)];
  }

  /** Patches `CallbackManager._configureSync` of one build of `@langchain/core/callbacks/manager`. */
  patch(exports: unknown): unknown {
    const CM = (exports as { CallbackManager?: { _configureSync?: Configure } } | undefined)?.CallbackManager;
    if (!CM || typeof CM._configureSync !== 'function' || isOursWrapped(CM._configureSync)) return exports;
    const original = CM._configureSync;
    const self = this;
    const configure = markOurs(function (this: unknown, inheritable: unknown, ...rest: unknown[]): unknown {
      let handlers = inheritable;
      try {
        handlers = self.withOurHandler(inheritable);
      } catch {
        // the app's handlers as they were
      }
      return original.call(this, handlers, ...rest);
    });
    Object.defineProperty(configure, '__original', { value: original });
    CM._configureSync = configure;
    return exports;
  }

  unpatch(exports: unknown): void {
    const CM = (exports as { CallbackManager?: { _configureSync?: Configure & { __original?: Configure } } } | undefined)?.CallbackManager;
    if (CM?._configureSync && isOursWrapped(CM._configureSync) && CM._configureSync.__original) CM._configureSync = CM._configureSync.__original;
  }

  /** The run's inheritable handlers with ours among them; the app's array or manager is not modified. */
  private withOurHandler(inheritable: unknown): unknown {
    if (inheritable === undefined || inheritable === null) return [this.handler];
    if (Array.isArray(inheritable)) {
      return inheritable.some((h: { name?: string } | null) => h?.name === HANDLER_NAME) ? inheritable : [...inheritable, this.handler];
    }
    const manager = inheritable as CallbackManagerLike;
    if (!Array.isArray(manager.handlers) || typeof manager.copy !== 'function') return inheritable;
    if (manager.handlers.some((h) => h?.name === HANDLER_NAME)) return inheritable;
    const copy = manager.copy();
    copy.addHandler?.(this.handler, true);
    return copy;
  }
}
