import * as A from './semconv.js';
import type { AgentOpsSpanKind } from './semconv.js';
import type { Attributes } from './types.js';

/** `gen_ai.operation.name` values that are calls to a model. */
const LLM_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings', 'completion', 'responses', 'rerank']);

/**
 * What a span of the Vercel AI SDK (≤ 6, and 7's legacy telemetry) stands for, by its `ai.operationId`: the
 * provider calls (`*.doGenerate`, `*.doStream`, `*.doEmbed`, `*.doRerank`) are the model calls; the function
 * around them (`ai.generateText`...) is an action whose usage sums its calls, so it is never an LLM event.
 */
function aiSdkKind(op: string): AgentOpsSpanKind | undefined {
  if (op.endsWith('.doGenerate') || op.endsWith('.doStream') || op.endsWith('.doEmbed') || op.endsWith('.doRerank')) return 'llm';
  if (op === 'ai.toolCall') return 'tool';
  if (AI_SDK_FUNCTIONS.has(op)) return 'action';
  return undefined;
}
const AI_SDK_FUNCTIONS = new Set(['ai.generateText', 'ai.streamText', 'ai.generateObject', 'ai.streamObject', 'ai.embed', 'ai.embedMany', 'ai.rerank']);

/**
 * The AgentOps kind of any span: ours (`agentops.span.kind`), the AI SDK's (`ai.operationId`), the GenAI
 * conventions' operation (`chat` → llm, `execute_tool` → tool, `invoke_agent` → agent), OpenInference's span
 * kind, else an LLM call when it carries a request model or token usage. Undefined: no part of the model
 * (HTTP, DB spans... and wrapper spans such as an agent's step).
 */
export function spanKindOf(attrs: Attributes): AgentOpsSpanKind | undefined {
  const kind = attrs[A.ATTR_SPAN_KIND];
  if (kind !== undefined) return (A.SPAN_KINDS as readonly unknown[]).includes(kind) ? (kind as AgentOpsSpanKind) : undefined;
  const aiOp = attrs[A.AI_OPERATION_ID];
  if (typeof aiOp === 'string') return aiSdkKind(aiOp);
  const op = attrs[A.GEN_AI_OPERATION_NAME];
  if (typeof op === 'string') {
    if (LLM_OPERATIONS.has(op)) return 'llm';
    if (op === 'execute_tool') return 'tool';
    if (op === 'invoke_agent' || op === 'create_agent') return 'agent';
    return undefined;
  }
  const oi = attrs[A.OPENINFERENCE_SPAN_KIND];
  if (oi !== undefined) return oi === 'LLM' || oi === 'EMBEDDING' ? 'llm' : oi === 'TOOL' ? 'tool' : oi === 'AGENT' ? 'agent' : undefined;
  return attrs[A.GEN_AI_REQUEST_MODEL] !== undefined ||
    attrs[A.GEN_AI_USAGE_INPUT_TOKENS] !== undefined ||
    attrs[A.GEN_AI_USAGE_PROMPT_TOKENS] !== undefined
    ? 'llm'
    : undefined;
}

/** True when a span describes an LLM call (see {@link spanKindOf}). */
export function isLlmSpan(attrs: Attributes): boolean {
  return spanKindOf(attrs) === 'llm';
}

/** Whether a span matters to AgentOps at all; everything else (HTTP, DB spans...) is passed over. */
export function isAgentOpsRelevant(attrs: Attributes): boolean {
  return spanKindOf(attrs) !== undefined;
}

/**
 * Which layer an LLM span comes from. `framework`: a framework's view of a model call (the AI SDK's provider
 * call, a LangChain chat-model run, an Agents SDK generation), which may sit above the client library that
 * makes the request. `client`: the instrumentation of the client library itself, closest to the wire (exact
 * usage, cache and reasoning tokens, the request as sent).
 */
export function llmLayerOf(attrs: Attributes): 'framework' | 'client' {
  return attrs[A.ATTR_LLM_LAYER] === 'framework' || typeof attrs[A.AI_OPERATION_ID] === 'string' ? 'framework' : 'client';
}

/**
 * The one rule for two LLM spans that describe the same model call, `outer` open while `inner` started: which
 * of them is the call's event (the other is marked {@link A.ATTR_LLM_NESTED}: neither an event nor counted). The
 * client layer wins over a framework above it (it has the richer data); between two spans of the same layer
 * (a client that traces itself under our instrumentation, two instrumentations stacked) the outer one is kept.
 */
export function sameCallEvent(outer: Attributes, inner: Attributes): 'outer' | 'inner' {
  return llmLayerOf(outer) === 'framework' && llmLayerOf(inner) === 'client' ? 'inner' : 'outer';
}
