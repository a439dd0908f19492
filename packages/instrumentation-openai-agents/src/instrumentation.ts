import { InstrumentationBase, InstrumentationNodeModuleDefinition, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import { patchIfAlreadyLoaded } from '@agentops/instrumentation-utils';
import { AgentOpsTracingProcessor, PACKAGE_NAME, PACKAGE_VERSION } from './processor.js';

/** Options; unset ones come from the AgentOps configuration, else the environment. */
export interface OpenAIAgentsInstrumentationConfig extends InstrumentationConfig {
  /** Record inputs and outputs of agents, tools and model calls. Default: `AGENTOPS_CAPTURE_CONTENT`, else true. */
  captureContent?: boolean;
}

interface TraceProvider {
  registerProcessor(p: unknown): void;
  setProcessors(ps: unknown[]): void;
}

/**
 * The Agents SDK's trace provider is one per process (behind a global symbol), whichever build of the package
 * loaded it: the processor is added to it once.
 */
const REGISTERED = Symbol.for('agentops.openaiAgents.processor');
const OURS = Symbol.for('agentops.openaiAgents.setProcessors');

/**
 * Adds an {@link AgentOpsTracingProcessor} to the OpenAI Agents SDK (`@openai/agents`, through
 * `@openai/agents-core`) beside the app's own processors, never replacing them. It stays there, first, when the
 * app or the SDK sets its processors (`setTraceProcessors`, which `@openai/agents` calls for OpenAI's own
 * exporter), so its spans exist before the model is called.
 */
export class OpenAIAgentsInstrumentation extends InstrumentationBase<OpenAIAgentsInstrumentationConfig> {
  private processor: AgentOpsTracingProcessor;

  constructor(config: OpenAIAgentsInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this.processor = new AgentOpsTracingProcessor({ tracer: this.tracer, captureContent: config.captureContent });
  }

  override setConfig(config: OpenAIAgentsInstrumentationConfig = {}): void {
    super.setConfig(config);
    if (this.processor) this.processor = new AgentOpsTracingProcessor({ tracer: this.tracer, captureContent: config.captureContent });
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        '@openai/agents-core',
        ['>=0.1 <2'],
        (exports: unknown) => this.patch(exports),
        (exports: unknown) => this.unpatch(exports),
      ),
    ];
  }

  override enable(): void {
    super.enable();
    patchIfAlreadyLoaded('@openai/agents-core', (exports) => this.patch(exports));
  }

  patch(exports: unknown): unknown {
    const provider = (exports as { getGlobalTraceProvider?: () => TraceProvider } | undefined)?.getGlobalTraceProvider?.();
    if (!provider || typeof provider.registerProcessor !== 'function' || typeof provider.setProcessors !== 'function') return exports;
    const g = globalThis as { [REGISTERED]?: AgentOpsTracingProcessor };
    if (g[REGISTERED]) return exports;
    const processor = this.processor;
    g[REGISTERED] = processor;
    const original = provider.setProcessors;
    const setProcessors = function (this: unknown, processors: unknown[]): void {
      const list = Array.isArray(processors) ? processors.filter((p) => p !== processor) : [];
      return original.call(this, g[REGISTERED] === processor ? [processor, ...list] : list);
    };
    Object.defineProperty(setProcessors, OURS, { value: original });
    provider.setProcessors = setProcessors;
    provider.registerProcessor(processor);
    return exports;
  }

  unpatch(exports: unknown): void {
    const provider = (exports as { getGlobalTraceProvider?: () => TraceProvider & { setProcessors: { [OURS]?: TraceProvider['setProcessors'] } } } | undefined)?.getGlobalTraceProvider?.();
    const g = globalThis as { [REGISTERED]?: AgentOpsTracingProcessor };
    if (g[REGISTERED] !== this.processor) return;
    delete g[REGISTERED];
    const original = provider?.setProcessors[OURS];
    if (provider && original) provider.setProcessors = original;
  }
}
