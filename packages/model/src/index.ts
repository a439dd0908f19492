export * from './semconv.js';
export * from './types.js';
export * from './ids.js';
export { computeLlmCost, formatCost, priced, type LlmUsage } from './cost.js';
export {
  convertSpan,
  convertSpans,
  llmCostOf,
  llmUsageOf,
  parseJsonAttr,
  sessionIdOf,
  type ConvertedBatch,
  type ConvertedSpan,
} from './convert.js';
export * from './limits.js';
export * from './fit.js';
export { isAgentOpsRelevant, isLlmSpan, llmLayerOf, sameCallEvent, spanKindOf } from './span-kind.js';
export { aiSdkProvider, aiSdkUsage, type AiSdkUsage } from './ai-sdk.js';
