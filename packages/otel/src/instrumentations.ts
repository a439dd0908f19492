import type { TracerProvider } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AnthropicInstrumentation } from '@agentops/instrumentation-anthropic';
import { OpenAIInstrumentation } from '@agentops/instrumentation-openai';

/** Options of {@link getAgentOpsInstrumentations}. */
export interface AgentOpsInstrumentationOptions {
  /** Record prompts and completions. Default: `AGENTOPS_CAPTURE_CONTENT` / the GenAI env variable, else true. */
  captureContent?: boolean;
}

/**
 * The LLM client instrumentations (`openai`, `@anthropic-ai/sdk`), for `new NodeSDK({ instrumentations })` or
 * `registerInstrumentations`. `init()` enables them itself unless `instrumentLlmCalls: false`.
 */
export function getAgentOpsInstrumentations(options: AgentOpsInstrumentationOptions = {}): Instrumentation[] {
  const cfg = options.captureContent === undefined ? {} : { captureContent: options.captureContent };
  return [new OpenAIInstrumentation(cfg), new AnthropicInstrumentation(cfg)];
}

/** Enables the instrumentations on `provider` (ours when it is private); returns what disables them. */
export function enableInstrumentations(provider: TracerProvider | undefined, captureContent: boolean): () => void {
  const list = getAgentOpsInstrumentations({ captureContent });
  for (const i of list) {
    if (provider) i.setTracerProvider(provider);
    i.enable();
  }
  return () => list.forEach((i) => i.disable());
}
