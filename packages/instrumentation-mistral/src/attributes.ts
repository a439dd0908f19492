import type { Attributes } from '@opentelemetry/api';
import * as A from '@agentops/model';
import { addChatMessages, addNumber, baseRequestAttributes, type RequestAttributes, contentJson, MessagesJson, textParts, toolCallParts, type GenAiSettings, type StreamAccumulator } from '@agentops/instrumentation-utils';

type Obj = Record<string, unknown>;

/** The calls instrumented: chat (plain, streamed), fill-in-the-middle (plain, streamed), embeddings. */
export type MistralCallKind = 'chat' | 'chatStream' | 'fim' | 'fimStream' | 'embeddings';

export const OPERATION: Record<MistralCallKind, string> = { chat: 'chat', chatStream: 'chat', fim: 'text_completion', fimStream: 'text_completion', embeddings: 'embeddings' };

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function requestAttributes(kind: MistralCallKind, params: Obj, baseURL: unknown, settings: GenAiSettings): RequestAttributes {
  const request = baseRequestAttributes('mistral_ai', params.model, baseURL);
  const attrs = request.rest;
  if (kind !== 'embeddings') {
    addNumber(attrs, A.GEN_AI_REQUEST_TEMPERATURE, params.temperature);
    addNumber(attrs, A.GEN_AI_REQUEST_TOP_P, params.topP);
    addNumber(attrs, A.GEN_AI_REQUEST_MAX_TOKENS, params.maxTokens);
    addNumber(attrs, 'gen_ai.request.seed', params.randomSeed);
    addNumber(attrs, 'gen_ai.request.presence_penalty', params.presencePenalty);
    addNumber(attrs, 'gen_ai.request.frequency_penalty', params.frequencyPenalty);
    const stop = typeof params.stop === 'string' ? [params.stop] : params.stop;
    if (Array.isArray(stop) && stop.length) attrs['gen_ai.request.stop_sequences'] = stop.map(String);
    const format = (params.responseFormat as Obj | undefined)?.type;
    if (format === 'json_object' || format === 'json_schema') attrs['gen_ai.output.type'] = 'json';
  }
  if (settings.captureContent) {
    let text: string | undefined;
    if (kind === 'embeddings') text = contentJson(params.inputs, settings.maxFieldSize);
    else if (kind === 'fim' || kind === 'fimStream') {
      text = contentJson([{ role: 'user', parts: [{ type: 'text', content: params.prompt }], ...(params.suffix ? { suffix: params.suffix } : {}) }], settings.maxFieldSize);
    } else {
      const messages = new MessagesJson();
      addChatMessages(messages, params.messages);
      text = messages.result(settings.maxFieldSize);
    }
    if (text !== undefined) attrs[A.GEN_AI_INPUT_MESSAGES] = text;
  }
  return request;
}

function usageAttributes(attrs: Attributes, usage: unknown): void {
  const u = (usage ?? {}) as Obj;
  const input = num(u.promptTokens ?? u.prompt_tokens);
  const output = num(u.completionTokens ?? u.completion_tokens);
  if (input !== undefined) attrs[A.GEN_AI_USAGE_INPUT_TOKENS] = input;
  if (output !== undefined) attrs[A.GEN_AI_USAGE_OUTPUT_TOKENS] = output;
  const cached = num((u.promptTokensDetails as Obj | undefined)?.cachedTokens ?? u.numCachedTokens);
  if (cached !== undefined) attrs[A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = cached;
}

export function responseAttributes(kind: MistralCallKind, result: unknown, settings: GenAiSettings): Attributes {
  const attrs: Attributes = {};
  const r = (result ?? {}) as Obj;
  if (typeof r.model === 'string') attrs[A.GEN_AI_RESPONSE_MODEL] = r.model;
  if (typeof r.id === 'string') attrs[A.GEN_AI_RESPONSE_ID] = r.id;
  usageAttributes(attrs, r.usage);
  if (kind === 'embeddings') return attrs;
  const choices = (r.choices as Obj[] | undefined) ?? [];
  const finishes = choices.map((c) => c.finishReason ?? c.finish_reason).filter((f): f is string => typeof f === 'string');
  if (finishes.length) attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = finishes;
  if (settings.captureContent && choices.length) {
    const messages = new MessagesJson();
    for (const c of choices) {
      const m = (c.message ?? {}) as Obj;
      const finish = c.finishReason ?? c.finish_reason;
      const reason = typeof finish === 'string' ? finish : undefined;
      if (typeof m.content === 'string' && !Array.isArray(m.toolCalls)) messages.text('assistant', m.content, reason);
      else messages.message({ role: 'assistant', parts: [...textParts(m.content), ...toolCallParts(m.toolCalls)], ...(reason === undefined ? {} : { finish_reason: reason }) });
    }
    const text = messages.result(settings.maxFieldSize);
    if (text !== undefined) attrs[A.GEN_AI_OUTPUT_MESSAGES] = text;
  }
  return attrs;
}

/** A chat or FIM stream's events (`{ data: chunk }`): text and tool-call deltas, the usage on the last chunk. */
export class MistralStreamAccumulator implements StreamAccumulator<Obj> {
  private text = '';
  private readonly calls: Obj[] = [];
  private last: Obj = {};
  private finishReason: unknown;

  constructor(
    private readonly kind: MistralCallKind,
    private readonly settings: GenAiSettings,
  ) {}

  onChunk(event: Obj): void {
    const chunk = ((event?.data ?? event) ?? {}) as Obj;
    if (chunk.usage) this.last.usage = chunk.usage;
    if (typeof chunk.model === 'string') this.last.model = chunk.model;
    if (typeof chunk.id === 'string') this.last.id = chunk.id;
    const choice = (chunk.choices as Obj[] | undefined)?.[0];
    if (!choice) return;
    const finish = choice.finishReason ?? choice.finish_reason;
    if (finish) this.finishReason = finish;
    if (!this.settings.captureContent) return;
    const delta = (choice.delta ?? {}) as Obj;
    if (typeof delta.content === 'string') this.text += delta.content;
    for (const tc of (delta.toolCalls as Obj[] | undefined) ?? []) {
      const i = typeof tc.index === 'number' ? tc.index : this.calls.length;
      const fn = (tc.function ?? {}) as Obj;
      const at = (this.calls[i] ??= { id: tc.id, function: { name: fn.name, arguments: '' } });
      (at.function as Obj).arguments = String((at.function as Obj).arguments ?? '') + (typeof fn.arguments === 'string' ? fn.arguments : fn.arguments ? JSON.stringify(fn.arguments) : '');
    }
  }

  finish(complete: boolean): Attributes {
    const message = { role: 'assistant', content: this.text || null, toolCalls: this.calls.filter(Boolean) };
    const attrs = responseAttributes(this.kind, { ...this.last, choices: [{ message, finishReason: this.finishReason }] }, this.settings);
    if (!complete) attrs['agentops.llm.incomplete'] = true;
    return attrs;
  }
}
