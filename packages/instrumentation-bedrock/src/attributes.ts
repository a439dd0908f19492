import type { Attributes } from '@opentelemetry/api';
import * as A from '@agentops/model';
import { addNumber, baseRequestAttributes, type RequestAttributes, contentJson, MessagesJson, parseArguments, type GenAiMessage, type GenAiSettings, type MessagePart, type StreamAccumulator } from '@agentops/instrumentation-utils';

type Obj = Record<string, unknown>;

/** The commands instrumented. */
export type BedrockCallKind = 'converse' | 'converseStream' | 'invoke' | 'invokeStream';

export const COMMANDS: Record<string, BedrockCallKind> = {
  ConverseCommand: 'converse',
  ConverseStreamCommand: 'converseStream',
  InvokeModelCommand: 'invoke',
  InvokeModelWithResponseStreamCommand: 'invokeStream',
};

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const decoder = new TextDecoder();

/** A Bedrock body (`Uint8Array`, string, or the SDK's blob adapter) as JSON; undefined when it is not JSON. */
export function jsonBody(body: unknown): Obj | undefined {
  try {
    const text = typeof body === 'string' ? body : body instanceof Uint8Array ? decoder.decode(body) : undefined;
    const parsed: unknown = text === undefined ? undefined : JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as Obj) : undefined;
  } catch {
    return undefined;
  }
}

/** Which model family an id names, through inference profiles (`us.anthropic...`) and ARNs. */
export function familyOf(modelId: unknown): 'anthropic' | 'nova' | 'titan' | 'meta' | 'mistral' | 'cohere' | 'unknown' {
  const id = String(modelId ?? '').split('/').pop()!.replace(/^(us|eu|apac|global|us-gov)\./, '');
  if (id.startsWith('anthropic.')) return 'anthropic';
  if (id.startsWith('amazon.nova')) return 'nova';
  if (id.startsWith('amazon.titan')) return 'titan';
  if (id.startsWith('meta.')) return 'meta';
  if (id.startsWith('mistral.')) return 'mistral';
  if (id.startsWith('cohere.')) return 'cohere';
  return 'unknown';
}

/** Converse content blocks as GenAI parts. */
function blockParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  const out: MessagePart[] = [];
  for (const b of content as Obj[]) {
    if (typeof b?.text === 'string') out.push({ type: 'text', content: b.text });
    else if (b?.toolUse) {
      const t = b.toolUse as Obj;
      out.push({ type: 'tool_call', id: t.toolUseId as string, name: String(t.name), arguments: parseArguments(t.input) });
    } else if (b?.toolResult) {
      const r = b.toolResult as Obj;
      out.push({ type: 'tool_call_response', id: r.toolUseId as string, response: r.content });
    } else if (b?.reasoningContent) out.push({ type: 'reasoning', content: String(((b.reasoningContent as Obj).reasoningText as Obj | undefined)?.text ?? '') });
    else if (b && typeof b === 'object') out.push({ type: String(Object.keys(b)[0] ?? 'unknown') });
  }
  return out;
}

/** A message of content blocks written to `out`: one text block, nearly every message, as plain text. */
function addBlockMessage(out: MessagesJson, role: string, content: unknown, finish?: string): void {
  const only = Array.isArray(content) && content.length === 1 ? (content[0] as Obj | null | undefined) : undefined;
  if (typeof only?.text === 'string' && only.text !== '') out.text(role, only.text, finish);
  else out.message({ role, parts: blockParts(content), ...(finish === undefined ? {} : { finish_reason: finish }) });
}

/** A Converse request's system prompt and messages as the JSON of GenAI messages. */
function converseInputJson(input: Obj, limit: number): string | undefined {
  const out = new MessagesJson();
  const system = blockParts(input.system);
  if (system.length) out.message({ role: 'system', parts: system });
  for (const m of Array.isArray(input.messages) ? (input.messages as Array<Obj | null>) : []) {
    if (m && typeof m === 'object') addBlockMessage(out, String(m.role), m.content);
    else out.message(m);
  }
  return out.result(limit);
}

/** The prompt of an InvokeModel body (each family's own shape), as GenAI messages. */
function invokeInputMessages(body: Obj | undefined): unknown {
  if (!body) return undefined;
  if (Array.isArray(body.messages)) {
    const out: GenAiMessage[] = [];
    const system = typeof body.system === 'string' ? [{ type: 'text', content: body.system }] : blockParts(body.system);
    if (system.length) out.push({ role: 'system', parts: system });
    for (const m of body.messages as Obj[]) out.push({ role: String(m.role), parts: blockParts(m.content) });
    return out;
  }
  const prompt = body.prompt ?? body.inputText ?? body.message;
  return typeof prompt === 'string' ? [{ role: 'user', parts: [{ type: 'text', content: prompt }] }] : body;
}

export function requestAttributes(kind: BedrockCallKind, input: Obj, settings: GenAiSettings): RequestAttributes {
  const request = baseRequestAttributes('aws.bedrock', input.modelId, undefined);
  const attrs = request.rest;
  const body = kind === 'invoke' || kind === 'invokeStream' ? jsonBody(input.body) : undefined;
  const config = (kind === 'converse' || kind === 'converseStream' ? input.inferenceConfig : body) as Obj | undefined;
  if (config) {
    addNumber(attrs, A.GEN_AI_REQUEST_TEMPERATURE, config.temperature);
    addNumber(attrs, A.GEN_AI_REQUEST_TOP_P, config.topP ?? config.top_p);
    addNumber(attrs, A.GEN_AI_REQUEST_MAX_TOKENS, config.maxTokens ?? config.max_tokens ?? config.max_gen_len ?? (config.textGenerationConfig as Obj | undefined)?.maxTokenCount);
  }
  if (settings.captureContent) {
    const text = kind === 'converse' || kind === 'converseStream' ? converseInputJson(input, settings.maxFieldSize) : contentJson(invokeInputMessages(body), settings.maxFieldSize);
    if (text !== undefined) attrs[A.GEN_AI_INPUT_MESSAGES] = text;
  }
  return request;
}

/** Converse usage: Bedrock counts cache reads and writes apart from `inputTokens`; the GenAI input holds them. */
function converseUsage(attrs: Attributes, usage: unknown): void {
  const u = (usage ?? {}) as Obj;
  const input = num(u.inputTokens);
  const read = num(u.cacheReadInputTokens) ?? 0;
  const write = num(u.cacheWriteInputTokens) ?? 0;
  if (input !== undefined) attrs[A.GEN_AI_USAGE_INPUT_TOKENS] = input + read + write;
  if (num(u.outputTokens) !== undefined) attrs[A.GEN_AI_USAGE_OUTPUT_TOKENS] = num(u.outputTokens)!;
  if (read) attrs[A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = read;
  if (write) attrs[A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = write;
}

function setUsage(attrs: Attributes, input: number | undefined, output: number | undefined, read = 0, write = 0): void {
  if (input !== undefined) attrs[A.GEN_AI_USAGE_INPUT_TOKENS] = input + read + write;
  if (output !== undefined) attrs[A.GEN_AI_USAGE_OUTPUT_TOKENS] = output;
  if (read) attrs[A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = read;
  if (write) attrs[A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = write;
}

/** An InvokeModel body's usage, finish reason and text, by family. */
function invokeResult(family: ReturnType<typeof familyOf>, b: Obj): { input?: number; output?: number; read?: number; write?: number; finish?: string; parts: MessagePart[] } {
  switch (family) {
    case 'anthropic': {
      const u = (b.usage ?? {}) as Obj;
      return { input: num(u.input_tokens), output: num(u.output_tokens), read: num(u.cache_read_input_tokens), write: num(u.cache_creation_input_tokens), finish: b.stop_reason as string, parts: ((b.content as Obj[] | undefined) ?? []).map((c) => (c.type === 'tool_use' ? { type: 'tool_call', id: c.id as string, name: String(c.name), arguments: c.input } : { type: 'text', content: String(c.text ?? '') })) };
    }
    case 'nova': {
      const u = (b.usage ?? {}) as Obj;
      return { input: num(u.inputTokens), output: num(u.outputTokens), read: num(u.cacheReadInputTokenCount), write: num(u.cacheWriteInputTokenCount), finish: b.stopReason as string, parts: blockParts(((b.output as Obj | undefined)?.message as Obj | undefined)?.content) };
    }
    case 'titan': {
      const r = ((b.results as Obj[] | undefined) ?? [])[0] ?? {};
      return { input: num(b.inputTextTokenCount), output: num(r.tokenCount), finish: r.completionReason as string, parts: [{ type: 'text', content: String(r.outputText ?? '') }] };
    }
    case 'meta':
      return { input: num(b.prompt_token_count), output: num(b.generation_token_count), finish: b.stop_reason as string, parts: [{ type: 'text', content: String(b.generation ?? '') }] };
    case 'mistral': {
      const o = ((b.outputs as Obj[] | undefined) ?? [])[0] ?? {};
      return { finish: o.stop_reason as string, parts: [{ type: 'text', content: String(o.text ?? '') }] };
    }
    case 'cohere': {
      const billed = (((b.meta as Obj | undefined)?.billed_units ?? {}) as Obj);
      return { input: num(billed.input_tokens), output: num(billed.output_tokens), finish: b.finish_reason as string, parts: [{ type: 'text', content: String(b.text ?? '') }] };
    }
    default:
      return { parts: [] };
  }
}

export function responseAttributes(kind: BedrockCallKind, input: Obj, result: unknown, settings: GenAiSettings): Attributes {
  const attrs: Attributes = {};
  const r = (result ?? {}) as Obj;
  const requestId = ((r.$metadata ?? {}) as Obj).requestId;
  if (typeof requestId === 'string') attrs[A.GEN_AI_RESPONSE_ID] = requestId;
  let parts: MessagePart[] | undefined;
  let content: unknown;
  let finish: unknown;
  if (kind === 'converse') {
    converseUsage(attrs, r.usage);
    finish = r.stopReason;
    content = ((r.output as Obj | undefined)?.message as Obj | undefined)?.content;
  } else {
    const body = jsonBody(r.body);
    if (!body) return attrs;
    const res = invokeResult(familyOf(input.modelId), body);
    setUsage(attrs, res.input, res.output, res.read, res.write);
    finish = res.finish;
    parts = res.parts;
    if (typeof body.id === 'string') attrs[A.GEN_AI_RESPONSE_ID] = body.id;
  }
  if (typeof finish === 'string') attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = [finish];
  if (settings.captureContent) {
    const out = new MessagesJson();
    const reason = typeof finish === 'string' ? finish : undefined;
    if (parts === undefined) addBlockMessage(out, 'assistant', content, reason);
    else out.message({ role: 'assistant', parts, ...(reason === undefined ? {} : { finish_reason: reason }) });
    const text = out.result(settings.maxFieldSize);
    if (text !== undefined) attrs[A.GEN_AI_OUTPUT_MESSAGES] = text;
  }
  return attrs;
}

/**
 * The events of a streamed command: ConverseStream's (`contentBlockDelta`, `messageStop`, `metadata`), or
 * InvokeModelWithResponseStream's `chunk`s, each the model family's own stream event, the last one with Bedrock's
 * invocation metrics (the token counts, for every family).
 */
export class BedrockStreamAccumulator implements StreamAccumulator<Obj> {
  private text = '';
  private readonly tools: Obj[] = [];
  private finishReason: unknown;
  private usage: Obj | undefined;
  private metrics: Obj | undefined;
  private anthropicUsage: Obj = {};

  constructor(
    private readonly kind: BedrockCallKind,
    private readonly family: ReturnType<typeof familyOf>,
    private readonly settings: GenAiSettings,
  ) {}

  onChunk(event: Obj): void {
    if (this.kind === 'converseStream') return this.onConverse(event);
    const chunk = jsonBody((event?.chunk as Obj | undefined)?.bytes);
    if (!chunk) return;
    if (chunk['amazon-bedrock-invocationMetrics']) this.metrics = chunk['amazon-bedrock-invocationMetrics'] as Obj;
    const capture = this.settings.captureContent;
    switch (this.family) {
      case 'anthropic':
        if (chunk.type === 'message_start') Object.assign(this.anthropicUsage, ((chunk.message as Obj | undefined)?.usage ?? {}) as Obj);
        else if (chunk.type === 'message_delta') {
          Object.assign(this.anthropicUsage, (chunk.usage ?? {}) as Obj);
          this.finishReason = (chunk.delta as Obj | undefined)?.stop_reason ?? this.finishReason;
        } else if (chunk.type === 'content_block_delta' && capture) this.text += String((chunk.delta as Obj | undefined)?.text ?? '');
        return;
      case 'nova':
        if (chunk.contentBlockDelta && capture) this.text += String(((chunk.contentBlockDelta as Obj).delta as Obj | undefined)?.text ?? '');
        if (chunk.messageStop) this.finishReason = (chunk.messageStop as Obj).stopReason;
        return;
      case 'meta':
        if (capture) this.text += String(chunk.generation ?? '');
        if (chunk.stop_reason) this.finishReason = chunk.stop_reason;
        return;
      case 'titan':
        if (capture) this.text += String(chunk.outputText ?? '');
        if (chunk.completionReason) this.finishReason = chunk.completionReason;
        return;
      default: {
        const o = ((chunk.outputs as Obj[] | undefined) ?? [])[0];
        if (o && capture) this.text += String(o.text ?? '');
        if (o?.stop_reason) this.finishReason = o.stop_reason;
        if (typeof chunk.text === 'string' && capture) this.text += chunk.text;
      }
    }
  }

  private onConverse(event: Obj): void {
    if (event.contentBlockStart) {
      const start = ((event.contentBlockStart as Obj).start as Obj | undefined)?.toolUse as Obj | undefined;
      if (start) this.tools.push({ toolUseId: start.toolUseId, name: start.name, input: '' });
    } else if (event.contentBlockDelta) {
      const delta = ((event.contentBlockDelta as Obj).delta ?? {}) as Obj;
      if (!this.settings.captureContent) return;
      if (typeof delta.text === 'string') this.text += delta.text;
      const tu = delta.toolUse as Obj | undefined;
      if (tu && this.tools.length) this.tools[this.tools.length - 1].input = String(this.tools[this.tools.length - 1].input) + String(tu.input ?? '');
    } else if (event.messageStop) this.finishReason = (event.messageStop as Obj).stopReason;
    else if (event.metadata) this.usage = (event.metadata as Obj).usage as Obj;
  }

  finish(complete: boolean): Attributes {
    const attrs: Attributes = {};
    if (this.kind === 'converseStream') converseUsage(attrs, this.usage);
    else if (this.family === 'anthropic' && this.anthropicUsage.input_tokens !== undefined) {
      const u = this.anthropicUsage;
      setUsage(attrs, num(u.input_tokens), num(u.output_tokens), num(u.cache_read_input_tokens), num(u.cache_creation_input_tokens));
    } else if (this.metrics) setUsage(attrs, num(this.metrics.inputTokenCount), num(this.metrics.outputTokenCount));
    if (typeof this.finishReason === 'string') attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = [this.finishReason];
    if (this.settings.captureContent) {
      const parts: MessagePart[] = [];
      if (this.text) parts.push({ type: 'text', content: this.text });
      for (const t of this.tools) parts.push({ type: 'tool_call', id: t.toolUseId as string, name: String(t.name), arguments: parseArguments(t.input) });
      const text = contentJson([{ role: 'assistant', parts, ...(typeof this.finishReason === 'string' ? { finish_reason: this.finishReason } : {}) }], this.settings.maxFieldSize);
      if (text !== undefined) attrs[A.GEN_AI_OUTPUT_MESSAGES] = text;
    }
    if (!complete) attrs['agentops.llm.incomplete'] = true;
    return attrs;
  }
}
