import type { Attributes } from '@opentelemetry/api';
import * as A from '@agentops/model';
import { addChatMessages, addNumber, baseRequestAttributes, type RequestAttributes, contentJson, MessagesJson, textParts, toolCallParts, type GenAiSettings, type MessagePart, type StreamAccumulator } from '@agentops/instrumentation-utils';

type Obj = Record<string, unknown>;

/** The V2 calls instrumented. */
export type CohereCallKind = 'chat' | 'chatStream' | 'embed' | 'rerank';

export const OPERATION: Record<CohereCallKind, string> = { chat: 'chat', chatStream: 'chat', embed: 'embeddings', rerank: 'rerank' };

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function requestAttributes(kind: CohereCallKind, params: Obj, baseURL: unknown, settings: GenAiSettings): RequestAttributes {
  const request = baseRequestAttributes('cohere', params.model, baseURL);
  const attrs = request.rest;
  if (kind === 'chat' || kind === 'chatStream') {
    addNumber(attrs, A.GEN_AI_REQUEST_TEMPERATURE, params.temperature);
    addNumber(attrs, A.GEN_AI_REQUEST_TOP_P, params.p);
    addNumber(attrs, 'gen_ai.request.top_k', params.k);
    addNumber(attrs, A.GEN_AI_REQUEST_MAX_TOKENS, params.maxTokens);
    addNumber(attrs, 'gen_ai.request.seed', params.seed);
    addNumber(attrs, 'gen_ai.request.presence_penalty', params.presencePenalty);
    addNumber(attrs, 'gen_ai.request.frequency_penalty', params.frequencyPenalty);
    if (Array.isArray(params.stopSequences) && params.stopSequences.length) attrs['gen_ai.request.stop_sequences'] = params.stopSequences.map(String);
  }
  if (settings.captureContent) {
    let text: string | undefined;
    if (kind === 'embed') text = contentJson(params.texts ?? params.inputs, settings.maxFieldSize);
    else if (kind === 'rerank') text = contentJson({ query: params.query, documents: params.documents }, settings.maxFieldSize);
    else {
      const messages = new MessagesJson();
      addChatMessages(messages, params.messages);
      text = messages.result(settings.maxFieldSize);
    }
    if (text !== undefined) attrs[A.GEN_AI_INPUT_MESSAGES] = text;
  }
  return request;
}

/** Cohere bills fewer tokens than it counts (no special tokens): the billed units are the usage. */
function usageAttributes(attrs: Attributes, usage: unknown): void {
  const u = (usage ?? {}) as Obj;
  const billed = (u.billedUnits ?? u.billed_units ?? {}) as Obj;
  const tokens = (u.tokens ?? {}) as Obj;
  const input = num(billed.inputTokens ?? billed.input_tokens) ?? num(tokens.inputTokens ?? tokens.input_tokens);
  const output = num(billed.outputTokens ?? billed.output_tokens) ?? num(tokens.outputTokens ?? tokens.output_tokens);
  if (input !== undefined) attrs[A.GEN_AI_USAGE_INPUT_TOKENS] = input;
  if (output !== undefined) attrs[A.GEN_AI_USAGE_OUTPUT_TOKENS] = output;
  const searches = num(billed.searchUnits ?? billed.search_units);
  if (searches !== undefined) attrs['agentops.llm.search_units'] = searches;
}

const finishOf = (r: unknown) => (typeof r === 'string' ? r.toLowerCase() : undefined);

export function responseAttributes(kind: CohereCallKind, result: unknown, settings: GenAiSettings): Attributes {
  const attrs: Attributes = {};
  const r = (result ?? {}) as Obj;
  if (typeof r.id === 'string') attrs[A.GEN_AI_RESPONSE_ID] = r.id;
  if (kind === 'embed' || kind === 'rerank') {
    usageAttributes(attrs, r.meta);
    return attrs;
  }
  usageAttributes(attrs, r.usage);
  const finish = finishOf(r.finishReason ?? r.finish_reason);
  if (finish) attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = [finish];
  if (settings.captureContent && r.message) {
    const m = r.message as Obj;
    const parts: MessagePart[] = [...textParts(m.content), ...toolCallParts(m.toolCalls ?? m.tool_calls)];
    const plan = m.toolPlan ?? m.tool_plan;
    if (typeof plan === 'string' && plan) parts.unshift({ type: 'reasoning', content: plan });
    const text = contentJson([{ role: 'assistant', parts, ...(finish ? { finish_reason: finish } : {}) }], settings.maxFieldSize);
    if (text !== undefined) attrs[A.GEN_AI_OUTPUT_MESSAGES] = text;
  }
  return attrs;
}

/** A V2 chat stream's events: `message-start` (the id), `content-delta` and `tool-call-*`, `message-end` (finish, usage). */
export class CohereStreamAccumulator implements StreamAccumulator<Obj> {
  private id: unknown;
  private text = '';
  private plan = '';
  private readonly calls: Obj[] = [];
  private end: Obj = {};

  constructor(private readonly settings: GenAiSettings) {}

  onChunk(event: Obj): void {
    const delta = (event?.delta ?? {}) as Obj;
    const message = (delta.message ?? {}) as Obj;
    switch (event?.type) {
      case 'message-start':
        this.id = event.id;
        return;
      case 'message-end':
        this.end = delta;
        return;
      case 'content-delta':
        if (this.settings.captureContent) this.text += String(((message.content ?? {}) as Obj).text ?? '');
        return;
      case 'tool-plan-delta':
        if (this.settings.captureContent) this.plan += String(message.toolPlan ?? message.tool_plan ?? '');
        return;
      case 'tool-call-start':
      case 'tool-call-delta': {
        if (!this.settings.captureContent) return;
        const call = (message.toolCalls ?? message.tool_calls ?? {}) as Obj;
        const i = typeof event.index === 'number' ? event.index : this.calls.length;
        const fn = (call.function ?? {}) as Obj;
        const at = (this.calls[i] ??= { id: call.id, function: { name: fn.name, arguments: '' } });
        (at.function as Obj).arguments = String((at.function as Obj).arguments ?? '') + String(fn.arguments ?? '');
        return;
      }
    }
  }

  finish(complete: boolean): Attributes {
    const message = { content: this.text ? [{ type: 'text', text: this.text }] : [], toolCalls: this.calls.filter(Boolean), toolPlan: this.plan };
    const attrs = responseAttributes('chatStream', { id: this.id, finishReason: this.end.finishReason ?? this.end.finish_reason, usage: this.end.usage, message }, this.settings);
    if (!complete) attrs['agentops.llm.incomplete'] = true;
    return attrs;
  }
}
