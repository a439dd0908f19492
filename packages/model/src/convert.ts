import { aiSdkContent, aiSdkProvider, aiSdkUsage } from './ai-sdk.js';
import { computeLlmCost } from './cost.js';
import { llmContent } from './content.js';
import { isLlmSpan, sameCallEvent, spanKindOf } from './span-kind.js';
import { jsonTooDeep } from './limits.js';
import { spanToUuid, traceIdToUuid } from './ids.js';
import * as A from './semconv.js';
import {
  END_STATES,
  type ActionEventModel,
  type AgentModel,
  type AttributeValue,
  type Attributes,
  type EndState,
  type ErrorEventModel,
  type EventModel,
  type LLMEventModel,
  type SessionModel,
  type SpanLike,
  type ToolEventModel,
} from './types.js';

/** What one span stands for in the AgentOps model. */
export type ConvertedSpan =
  | { kind: 'session'; session: SessionModel }
  | { kind: 'event'; event: EventModel }
  | { kind: 'agent'; agent: AgentModel };

/** The AgentOps model of a batch of spans. */
export interface ConvertedBatch {
  sessions: SessionModel[];
  events: EventModel[];
  agents: AgentModel[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

function str(v: AttributeValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : String(v);
}

function num(v: AttributeValue | undefined): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

const JSON_LITERAL = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/;

/** Attribute values holding JSON (objects, arrays) are parsed back; anything else is kept as it is. */
export function parseJsonAttr(v: AttributeValue | undefined): unknown {
  if (typeof v !== 'string') return v ?? null;
  // Objects, arrays and quoted strings, and the literals JSON.stringify gives for numbers and booleans
  // (the SDK writes strings as they are and everything else as JSON).
  const c = v.charCodeAt(0);
  if (c === 123 /* { */ || c === 91 /* [ */ || c === 34 /* " */ || JSON_LITERAL.test(v)) {
    // Never rebuild arbitrarily deep values from a string (a tool returning '['.repeat(6000)...): kept as text.
    if ((c === 123 || c === 91) && jsonTooDeep(v)) return v;
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

function first(attrs: Attributes, ...keys: string[]): AttributeValue | undefined {
  for (const k of keys) {
    const v = attrs[k];
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function stringArray(v: AttributeValue | undefined): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') {
    const parsed = parseJsonAttr(v);
    if (Array.isArray(parsed)) return parsed.filter((x): x is string => typeof x === 'string');
    return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
  }
  return [];
}

/** The session a span belongs to: its `agentops.session.id`, else the session of its trace. */
export function sessionIdOf(span: SpanLike): string {
  const explicit = span.attributes[A.ATTR_SESSION_ID];
  return typeof explicit === 'string' && explicit ? explicit : traceIdToUuid(span.traceId);
}

function eventBase(span: SpanLike) {
  const a = span.attributes;
  const id = str(a[A.ATTR_EVENT_ID]) ?? spanToUuid(span.traceId, span.spanId);
  const end = span.endTimeMs ?? span.startTimeMs;
  return {
    id,
    session_id: sessionIdOf(span),
    init_timestamp: iso(span.startTimeMs),
    end_timestamp: iso(end),
    agent_id: str(a[A.ATTR_AGENT_ID]),
    span_id: span.spanId,
    parent_span_id: str(a[A.ATTR_PARENT_SPAN_ID]) ?? span.parentSpanId ?? null,
  };
}

function endStateOf(v: AttributeValue | undefined): EndState | null {
  return typeof v === 'string' && (END_STATES as readonly string[]).includes(v) ? (v as EndState) : null;
}

function toSession(span: SpanLike): SessionModel {
  const a = span.attributes;
  const host = parseJsonAttr(a[A.ATTR_HOST_ENV]);
  return {
    session_id: sessionIdOf(span),
    init_timestamp: iso(span.startTimeMs),
    end_timestamp: span.endTimeMs === undefined ? null : iso(span.endTimeMs),
    end_state: span.endTimeMs === undefined ? null : endStateOf(a[A.ATTR_SESSION_END_STATE]) ?? 'Indeterminate',
    end_state_reason: str(a[A.ATTR_SESSION_END_STATE_REASON]),
    tags: stringArray(a[A.ATTR_SESSION_TAGS]),
    host_env: host && typeof host === 'object' && !Array.isArray(host) ? (host as Record<string, unknown>) : null,
    video: str(a[A.ATTR_SESSION_VIDEO]),
    inherited: a[A.ATTR_SESSION_INHERITED] === true,
  };
}

/** Request parameters of a GenAI span: every `gen_ai.request.*` but the model. */
function genAiParams(a: Attributes): Record<string, unknown> | null {
  let params: Record<string, unknown> | null = null;
  for (const key in a) {
    if (key.startsWith('gen_ai.request.') && key !== A.GEN_AI_REQUEST_MODEL) {
      (params ??= {})[key.slice('gen_ai.request.'.length)] = a[key];
    }
  }
  return params;
}

/** Token counts of an LLM span under any naming generation (new GenAI, old GenAI, OpenInference, AI SDK). */
export function llmUsageOf(a: Attributes) {
  const ai = a[A.AI_OPERATION_ID] === undefined ? undefined : aiSdkUsage(a);
  return {
    model: str(first(a, A.GEN_AI_RESPONSE_MODEL, A.GEN_AI_REQUEST_MODEL, A.LLM_MODEL_NAME, A.AI_RESPONSE_MODEL, A.AI_MODEL_ID)),
    provider: str(first(a, A.GEN_AI_PROVIDER_NAME)) ?? aiSdkProvider(a) ?? str(first(a, A.GEN_AI_SYSTEM, A.LLM_PROVIDER)),
    inputTokens: ai ? (ai.inputTokens ?? null) : num(first(a, A.GEN_AI_USAGE_INPUT_TOKENS, A.GEN_AI_USAGE_PROMPT_TOKENS, A.LLM_TOKEN_COUNT_PROMPT)),
    outputTokens: ai ? (ai.outputTokens ?? null) : num(first(a, A.GEN_AI_USAGE_OUTPUT_TOKENS, A.GEN_AI_USAGE_COMPLETION_TOKENS, A.LLM_TOKEN_COUNT_COMPLETION)),
    cacheReadTokens: ai
      ? (ai.cacheReadTokens ?? null)
      : num(first(a, A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_OLD, A.LLM_TOKEN_COUNT_CACHE_READ)),
    cacheWriteTokens: ai
      ? (ai.cacheWriteTokens ?? null)
      : num(first(a, A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_OLD, A.LLM_TOKEN_COUNT_CACHE_WRITE)),
    reasoningTokens: ai ? (ai.reasoningTokens ?? null) : num(first(a, A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, A.LLM_TOKEN_COUNT_REASONING)),
  };
}

/** USD of an LLM span: its `agentops.llm.cost`, else the price table; null when unknown. */
export function llmCostOf(a: Attributes, usage = llmUsageOf(a)): number | null {
  return num(a[A.ATTR_LLM_COST]) ?? computeLlmCost(usage) ?? null;
}

/** The framework run a call belongs to (a LangChain run's name and tags...), kept beside its request parameters. */
function withFramework(a: Attributes, params: unknown): unknown {
  const framework = str(a[A.ATTR_LLM_FRAMEWORK]);
  if (!framework) return params;
  const run: Record<string, unknown> = { name: framework };
  const runName = str(a[A.ATTR_LLM_FRAMEWORK_NAME]);
  if (runName) run.run_name = runName;
  const tags = stringArray(a[A.ATTR_LLM_FRAMEWORK_TAGS]);
  if (tags.length) run.tags = tags;
  const base = params && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>) : params == null ? {} : { value: params };
  return { ...base, framework: run };
}

function toLlmEvent(span: SpanLike): LLMEventModel {
  const a = span.attributes;
  const usage = llmUsageOf(a);
  const { model, provider } = usage;
  const finish = a[A.GEN_AI_RESPONSE_FINISH_REASONS];
  return {
    ...eventBase(span),
    event_type: 'llms',
    model,
    ...((a[A.AI_OPERATION_ID] !== undefined && aiSdkContent(a)) || llmContent(a, span.events)),
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    cache_read_tokens: usage.cacheReadTokens,
    cache_creation_tokens: usage.cacheWriteTokens,
    reasoning_tokens: usage.reasoningTokens,
    cost: llmCostOf(a, usage),
    params: withFramework(a, parseJsonAttr(a[A.ATTR_LLM_PARAMS]) ?? genAiParams(a) ?? parseJsonAttr(a[A.LLM_INVOCATION_PARAMETERS])),
    returns: parseJsonAttr(a[A.ATTR_LLM_RETURNS]),
    thread_id: str(first(a, A.ATTR_LLM_THREAD_ID, A.GEN_AI_CONVERSATION_ID)),
    provider,
    operation: str(a[A.GEN_AI_OPERATION_NAME]),
    response_id: str(first(a, A.GEN_AI_RESPONSE_ID, A.AI_RESPONSE_ID)),
    finish_reasons: finish === undefined ? null : stringArray(finish),
    time_to_first_token_ms: num(first(a, A.ATTR_LLM_TIME_TO_FIRST_TOKEN, A.AI_RESPONSE_MS_TO_FIRST_CHUNK)),
    error: span.status.code === 2,
  };
}

function toActionEvent(span: SpanLike): ActionEventModel {
  const a = span.attributes;
  return {
    ...eventBase(span),
    event_type: 'actions',
    action_type: str(first(a, 'agentops.action.action_type', A.AI_OPERATION_ID)) ?? span.name,
    logs: parseJsonAttr(a['agentops.action.logs']),
    screenshot: str(a['agentops.action.screenshot']),
    params: parseJsonAttr(first(a, 'agentops.action.params', A.AI_PROMPT)),
    returns: parseJsonAttr(first(a, 'agentops.action.returns', A.AI_RESPONSE_TEXT, A.AI_RESPONSE_OBJECT)),
  };
}

function toToolEvent(span: SpanLike): ToolEventModel {
  const a = span.attributes;
  return {
    ...eventBase(span),
    event_type: 'tools',
    name: str(first(a, 'agentops.tool.name', A.AI_TOOL_CALL_NAME, A.GEN_AI_TOOL_NAME, A.TOOL_NAME)) ?? span.name,
    logs: parseJsonAttr(a['agentops.tool.logs']),
    params: parseJsonAttr(first(a, 'agentops.tool.params', A.AI_TOOL_CALL_ARGS, A.GEN_AI_TOOL_CALL_ARGUMENTS, A.INPUT_VALUE)),
    returns: parseJsonAttr(first(a, 'agentops.tool.returns', A.AI_TOOL_CALL_RESULT, A.GEN_AI_TOOL_CALL_RESULT, A.OUTPUT_VALUE)),
  };
}

function toErrorEvent(span: SpanLike): ErrorEventModel {
  const a = span.attributes;
  const base = eventBase(span);
  return {
    ...base,
    event_type: 'errors',
    trigger_event_id: str(a['agentops.error.trigger_event_id']),
    trigger_event_type: str(a['agentops.error.trigger_event_type']),
    error_type: str(a['agentops.error.error_type']),
    code: str(a['agentops.error.code']),
    details: str(a['agentops.error.details']) ?? span.status.message ?? null,
    logs: parseJsonAttr(a['agentops.error.logs']),
    timestamp: base.init_timestamp,
  };
}

/** Converts one span; undefined for spans that are no part of the AgentOps model. */
export function convertSpan(span: SpanLike): ConvertedSpan | undefined {
  const a = span.attributes;
  switch (spanKindOf(a)) {
    case 'session':
      return { kind: 'session', session: toSession(span) };
    case 'llm':
      return { kind: 'event', event: toLlmEvent(span) };
    case 'action':
      return { kind: 'event', event: toActionEvent(span) };
    case 'tool':
      return { kind: 'event', event: toToolEvent(span) };
    case 'error':
      return { kind: 'event', event: toErrorEvent(span) };
    case 'agent':
      return {
        kind: 'agent',
        agent: {
          id: str(first(a, A.ATTR_AGENT_ID, A.GEN_AI_AGENT_ID)) ?? spanToUuid(span.traceId, span.spanId),
          name: str(first(a, A.ATTR_AGENT_NAME, A.GEN_AI_AGENT_NAME, A.AGENT_NAME)) ?? span.name,
          session_id: sessionIdOf(span),
        },
      };
    default:
      return undefined;
  }
}

/**
 * Converts a batch. Two LLM spans of one call, one the parent of the other, become one event: the one
 * {@link sameCallEvent} keeps (the SDK marks such pairs as they start; this catches spans from other SDKs).
 */
export function convertSpans(spans: readonly SpanLike[]): ConvertedBatch {
  const out: ConvertedBatch = { sessions: [], events: [], agents: [] };
  const llmSpans = new Map<string, SpanLike>();
  for (const s of spans) if (s.attributes[A.ATTR_LLM_NESTED] !== true && isLlmSpan(s.attributes)) llmSpans.set(s.spanId, s);
  const dropped = new Set<string>();
  for (const inner of llmSpans.values()) {
    const outer = inner.parentSpanId ? llmSpans.get(inner.parentSpanId) : undefined;
    if (outer) dropped.add(sameCallEvent(outer.attributes, inner.attributes) === 'outer' ? inner.spanId : outer.spanId);
  }
  for (const span of spans) {
    if (span.attributes[A.ATTR_LLM_NESTED] === true || dropped.has(span.spanId)) continue;
    const c = convertSpan(span);
    if (!c) continue;
    if (c.kind === 'session') out.sessions.push(c.session);
    else if (c.kind === 'event') out.events.push(c.event);
    else out.agents.push(c.agent);
  }
  return out;
}
