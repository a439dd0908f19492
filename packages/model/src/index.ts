export * from './semconv.js';
export * from './types.js';
export * from './ids.js';
export { computeLlmCost, formatCost, priced, type LlmUsage } from './cost.js';
export {
  convertSpan,
  convertSpans,
  isAgentOpsRelevant,
  isLlmSpan,
  llmCostOf,
  llmUsageOf,
  parseJsonAttr,
  sessionIdOf,
  type ConvertedBatch,
  type ConvertedSpan,
} from './convert.js';
export * from './limits.js';
export * from './fit.js';
