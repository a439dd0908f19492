/**
 * Span attribute names. AgentOps' own names (`agentops.*`) are the contract of SPEC §3; LLM spans use the
 * OpenTelemetry GenAI semantic conventions. The older GenAI names and OpenInference names are listed so the
 * converter can read spans made by other instrumentations.
 */

export const ATTR_SPAN_KIND = 'agentops.span.kind';
export const ATTR_EVENT_ID = 'agentops.event.id';
export const ATTR_AGENT_ID = 'agentops.agent.id';
export const ATTR_AGENT_NAME = 'agentops.agent.name';

export const ATTR_SESSION_ID = 'agentops.session.id';
export const ATTR_SESSION_TAGS = 'agentops.tags';
export const ATTR_SESSION_END_STATE = 'agentops.session.end_state';
export const ATTR_SESSION_END_STATE_REASON = 'agentops.session.end_state_reason';
export const ATTR_SESSION_VIDEO = 'agentops.session.video';
export const ATTR_SESSION_INHERITED = 'agentops.session.inherited';
export const ATTR_HOST_ENV = 'agentops.host.env';

/** The values of `agentops.span.kind`. */
export type AgentOpsSpanKind = 'session' | 'llm' | 'action' | 'tool' | 'error' | 'agent';
export const SPAN_KINDS: readonly AgentOpsSpanKind[] = ['session', 'llm', 'action', 'tool', 'error', 'agent'];

/** `agentops.<kind>.<field>` — the event's own fields, JSON for objects. */
export function eventFieldAttr(kind: Exclude<AgentOpsSpanKind, 'session'>, field: string): string {
  return `agentops.${kind}.${field}`;
}

export const ATTR_LLM_COST = 'agentops.llm.cost';
export const ATTR_LLM_PROMPT = 'agentops.llm.prompt';
export const ATTR_LLM_COMPLETION = 'agentops.llm.completion';
export const ATTR_LLM_PARAMS = 'agentops.llm.params';
export const ATTR_LLM_RETURNS = 'agentops.llm.returns';
export const ATTR_LLM_THREAD_ID = 'agentops.llm.thread_id';
export const ATTR_LLM_TIME_TO_FIRST_TOKEN = 'agentops.llm.time_to_first_token_ms';
/** Set on an LLM span that is the child of another LLM span describing the same call: counted once. */
export const ATTR_LLM_NESTED = 'agentops.llm.nested';
/** `framework` on a framework's span of a model call (see `llmLayerOf`); absent on client instrumentations' spans. */
export const ATTR_LLM_LAYER = 'agentops.llm.layer';
/** The framework whose model call an LLM span stands for (`langchain`, `openai-agents`, `ai-sdk`). */
export const ATTR_LLM_FRAMEWORK = 'agentops.llm.framework';
/** The framework's name of that call (a LangChain run name...), and its tags. */
export const ATTR_LLM_FRAMEWORK_NAME = 'agentops.llm.framework.name';
export const ATTR_LLM_FRAMEWORK_TAGS = 'agentops.llm.framework.tags';
/**
 * The event's parent in the session tree when it is not its span's parent: a client span that stands for a
 * framework's model call takes that call's place.
 */
export const ATTR_PARENT_SPAN_ID = 'agentops.parent.span_id';

// OpenTelemetry GenAI semantic conventions.
export const GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const GEN_AI_SYSTEM = 'gen_ai.system';
export const GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
export const GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
export const GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';

// Older GenAI names still emitted by many instrumentations.
export const GEN_AI_USAGE_PROMPT_TOKENS = 'gen_ai.usage.prompt_tokens';
export const GEN_AI_USAGE_COMPLETION_TOKENS = 'gen_ai.usage.completion_tokens';
export const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_OLD = 'gen_ai.usage.cache_read_input_tokens';
export const GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_OLD = 'gen_ai.usage.cache_creation_input_tokens';
export const GEN_AI_PROMPT = 'gen_ai.prompt';
export const GEN_AI_COMPLETION = 'gen_ai.completion';

// Vercel AI SDK telemetry (`ai` ≤ 6, and 7's legacy integration).
export const AI_OPERATION_ID = 'ai.operationId';
export const AI_MODEL_PROVIDER = 'ai.model.provider';
export const AI_MODEL_ID = 'ai.model.id';
export const AI_RESPONSE_MODEL = 'ai.response.model';
export const AI_PROMPT = 'ai.prompt';
export const AI_PROMPT_MESSAGES = 'ai.prompt.messages';
export const AI_RESPONSE_TEXT = 'ai.response.text';
export const AI_RESPONSE_OBJECT = 'ai.response.object';
export const AI_RESPONSE_TOOL_CALLS = 'ai.response.toolCalls';
export const AI_RESPONSE_FINISH_REASON = 'ai.response.finishReason';
export const AI_RESPONSE_ID = 'ai.response.id';
export const AI_RESPONSE_PROVIDER_METADATA = 'ai.response.providerMetadata';
export const AI_RESPONSE_MS_TO_FIRST_CHUNK = 'ai.response.msToFirstChunk';
export const AI_USAGE_PROMPT_TOKENS = 'ai.usage.promptTokens';
export const AI_USAGE_COMPLETION_TOKENS = 'ai.usage.completionTokens';
export const AI_USAGE_INPUT_TOKENS = 'ai.usage.inputTokens';
export const AI_USAGE_OUTPUT_TOKENS = 'ai.usage.outputTokens';
export const AI_USAGE_TOKENS = 'ai.usage.tokens';
export const AI_USAGE_REASONING_TOKENS = 'ai.usage.reasoningTokens';
export const AI_USAGE_CACHED_INPUT_TOKENS = 'ai.usage.cachedInputTokens';
export const AI_USAGE_CACHE_READ_TOKENS = 'ai.usage.inputTokenDetails.cacheReadTokens';
export const AI_USAGE_CACHE_WRITE_TOKENS = 'ai.usage.inputTokenDetails.cacheWriteTokens';
export const AI_USAGE_NO_CACHE_TOKENS = 'ai.usage.inputTokenDetails.noCacheTokens';
export const AI_USAGE_OUTPUT_REASONING_TOKENS = 'ai.usage.outputTokenDetails.reasoningTokens';
export const AI_TOOL_CALL_NAME = 'ai.toolCall.name';
export const AI_TOOL_CALL_ID = 'ai.toolCall.id';
export const AI_TOOL_CALL_ARGS = 'ai.toolCall.args';
export const AI_TOOL_CALL_RESULT = 'ai.toolCall.result';

// GenAI tool and agent spans.
export const GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';
export const GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
export const GEN_AI_AGENT_ID = 'gen_ai.agent.id';

// OpenInference.
export const OPENINFERENCE_SPAN_KIND = 'openinference.span.kind';
export const LLM_MODEL_NAME = 'llm.model_name';
export const LLM_PROVIDER = 'llm.provider';
export const LLM_TOKEN_COUNT_PROMPT = 'llm.token_count.prompt';
export const LLM_TOKEN_COUNT_COMPLETION = 'llm.token_count.completion';
export const LLM_TOKEN_COUNT_CACHE_READ = 'llm.token_count.prompt_details.cache_read';
export const LLM_TOKEN_COUNT_CACHE_WRITE = 'llm.token_count.prompt_details.cache_write';
export const LLM_TOKEN_COUNT_REASONING = 'llm.token_count.completion_details.reasoning';
export const LLM_INVOCATION_PARAMETERS = 'llm.invocation_parameters';
export const INPUT_VALUE = 'input.value';
export const TOOL_NAME = 'tool.name';
export const AGENT_NAME = 'agent.name';
export const OUTPUT_VALUE = 'output.value';
