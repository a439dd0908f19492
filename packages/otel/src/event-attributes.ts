import { SpanKind, type Attributes } from '@opentelemetry/api';
import * as A from '@agentops/model';
import type { AnyEvent, LLMEvent } from './events.js';
import { toAttributeString, truncateString } from './serialize.js';

/** How an event becomes a span: its name, kind and attributes (SPEC §3). */
export interface EventSpanShape {
  name: string;
  kind: SpanKind;
  attributes: Attributes;
  /** USD, LLM events only; undefined when unknown. */
  cost?: number;
}

export interface ShapeOptions {
  maxFieldSize: number;
  captureContent: boolean;
}

function set(attrs: Attributes, key: string, value: unknown, limit: number): void {
  const s = toAttributeString(value, limit);
  if (s !== undefined) attrs[key] = s;
}

function setNumber(attrs: Attributes, key: string, value: number | undefined): void {
  if (typeof value === 'number' && Number.isFinite(value)) attrs[key] = value;
}

/** The cost of a recorded LLM event: its own `cost` wins, else the price table. */
export function llmEventCost(e: LLMEvent): number | undefined {
  if (typeof e.cost === 'number' && Number.isFinite(e.cost) && e.cost >= 0) return e.cost;
  return A.computeLlmCost({
    model: e.model,
    provider: e.provider,
    inputTokens: e.promptTokens,
    outputTokens: e.completionTokens,
    cacheReadTokens: e.cacheReadTokens,
    cacheWriteTokens: e.cacheCreationTokens,
  });
}

export function eventSpanShape(event: AnyEvent, opts: ShapeOptions): EventSpanShape {
  const limit = opts.maxFieldSize;
  const attrs: Attributes = { [A.ATTR_EVENT_ID]: event.id };
  if (event.agentId) attrs[A.ATTR_AGENT_ID] = event.agentId;
  switch (event.eventType) {
    case 'actions': {
      attrs[A.ATTR_SPAN_KIND] = 'action';
      const type = event.actionType ? truncateString(String(event.actionType), 1024) : undefined;
      if (type) attrs['agentops.action.action_type'] = type;
      set(attrs, 'agentops.action.params', event.params, limit);
      set(attrs, 'agentops.action.returns', event.returns, limit);
      set(attrs, 'agentops.action.logs', event.logs, limit);
      set(attrs, 'agentops.action.screenshot', event.screenshot, limit);
      return { name: type ?? 'action', kind: SpanKind.INTERNAL, attributes: attrs };
    }
    case 'tools': {
      attrs[A.ATTR_SPAN_KIND] = 'tool';
      const name = event.name ? truncateString(String(event.name), 1024) : undefined;
      if (name) {
        attrs['agentops.tool.name'] = name;
        attrs['gen_ai.tool.name'] = name;
      }
      set(attrs, 'agentops.tool.params', event.params, limit);
      set(attrs, 'agentops.tool.returns', event.returns, limit);
      set(attrs, 'agentops.tool.logs', event.logs, limit);
      return { name: name ? `execute_tool ${name}` : 'execute_tool', kind: SpanKind.INTERNAL, attributes: attrs };
    }
    case 'errors': {
      attrs[A.ATTR_SPAN_KIND] = 'error';
      if (event.triggerEvent) {
        attrs['agentops.error.trigger_event_id'] = event.triggerEvent.id;
        attrs['agentops.error.trigger_event_type'] = event.triggerEvent.eventType;
      }
      set(attrs, 'agentops.error.error_type', event.errorType, 1024);
      set(attrs, 'agentops.error.code', event.code, 1024);
      set(attrs, 'agentops.error.details', event.details, limit);
      set(attrs, 'agentops.error.logs', event.logs, limit);
      if (event.errorType) attrs['error.type'] = truncateString(String(event.errorType), 1024);
      return { name: 'error', kind: SpanKind.INTERNAL, attributes: attrs };
    }
    case 'llms': {
      attrs[A.ATTR_SPAN_KIND] = 'llm';
      const model = event.model ? truncateString(String(event.model), 1024) : undefined;
      attrs[A.GEN_AI_OPERATION_NAME] = 'chat';
      if (model) {
        attrs[A.GEN_AI_REQUEST_MODEL] = model;
        attrs[A.GEN_AI_RESPONSE_MODEL] = model;
      }
      if (event.provider) {
        attrs[A.GEN_AI_PROVIDER_NAME] = event.provider;
        attrs[A.GEN_AI_SYSTEM] = event.provider;
      }
      setNumber(attrs, A.GEN_AI_USAGE_INPUT_TOKENS, event.promptTokens);
      setNumber(attrs, A.GEN_AI_USAGE_OUTPUT_TOKENS, event.completionTokens);
      setNumber(attrs, A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, event.cacheReadTokens);
      setNumber(attrs, A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, event.cacheCreationTokens);
      setNumber(attrs, A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, event.reasoningTokens);
      const cost = llmEventCost(event);
      setNumber(attrs, A.ATTR_LLM_COST, cost);
      if (opts.captureContent) {
        set(attrs, A.ATTR_LLM_PROMPT, event.prompt, limit);
        set(attrs, A.ATTR_LLM_COMPLETION, event.completion, limit);
        set(attrs, A.ATTR_LLM_RETURNS, event.returns, limit);
      }
      set(attrs, A.ATTR_LLM_PARAMS, event.params, limit);
      if (event.threadId) attrs[A.ATTR_LLM_THREAD_ID] = truncateString(String(event.threadId), 1024);
      return { name: model ? `chat ${model}` : 'chat', kind: SpanKind.CLIENT, attributes: attrs, cost };
    }
  }
}
