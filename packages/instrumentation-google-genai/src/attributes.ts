import type { Attributes } from '@opentelemetry/api';
import * as A from '@agentops/model';
import { addNumber, baseRequestAttributes, type RequestAttributes, contentJson, MessagesJson, type GenAiSettings, type MessagePart, type StreamAccumulator } from '@agentops/instrumentation-utils';

type Obj = Record<string, unknown>;

/** The calls instrumented, by the `Models` method that makes the request. */
export type GoogleCallKind = 'generate' | 'stream' | 'embed';

export const OPERATION: Record<GoogleCallKind, string> = { generate: 'generate_content', stream: 'generate_content', embed: 'embeddings' };

/** `models/gemini-2.0-flash`, `publishers/google/models/gemini-2.0-flash` → `gemini-2.0-flash`. */
export function modelName(model: unknown): string | undefined {
  if (typeof model !== 'string' || !model) return undefined;
  const i = model.lastIndexOf('models/');
  return i >= 0 ? model.slice(i + 'models/'.length) : model;
}

/** Gemini's parts as GenAI message parts. */
function partsOf(parts: unknown): MessagePart[] {
  if (typeof parts === 'string') return [{ type: 'text', content: parts }];
  if (!Array.isArray(parts)) return [];
  const out: MessagePart[] = [];
  for (const p of parts as Obj[]) {
    if (typeof p === 'string') out.push({ type: 'text', content: p });
    else if (!p || typeof p !== 'object') continue;
    else if (typeof p.text === 'string') out.push(p.thought === true ? { type: 'reasoning', content: p.text } : { type: 'text', content: p.text });
    else if (p.functionCall && typeof p.functionCall === 'object') {
      const fc = p.functionCall as Obj;
      out.push({ type: 'tool_call', ...(typeof fc.id === 'string' ? { id: fc.id } : {}), name: String(fc.name), arguments: fc.args });
    } else if (p.functionResponse && typeof p.functionResponse === 'object') {
      const fr = p.functionResponse as Obj;
      out.push({ type: 'tool_call_response', ...(typeof fr.id === 'string' ? { id: fr.id } : {}), name: fr.name, response: fr.response });
    } else if (p.inlineData || p.fileData) out.push({ type: p.inlineData ? 'blob' : 'uri' });
  }
  return out;
}

const roleOf = (r: unknown) => (r === 'model' ? 'assistant' : typeof r === 'string' ? r : 'user');

/** A message of Gemini parts written to `out`: one text part, nearly every message, as plain text. */
function addPartsMessage(out: MessagesJson, role: string, parts: unknown, finish?: string): void {
  const only = Array.isArray(parts) && parts.length === 1 ? (parts[0] as Obj | null | undefined) : undefined;
  if (only && typeof only.text === 'string' && only.text !== '' && only.thought !== true) out.text(role, only.text, finish);
  else out.message({ role, parts: partsOf(parts), ...(finish === undefined ? {} : { finish_reason: finish }) });
}

/** `contents` in any form the SDK takes (a string, a part, a content, a list of either) as GenAI messages, written to `out`. */
export function addInputMessages(out: MessagesJson, contents: unknown, system: unknown): void {
  if (system !== undefined && system !== null) {
    const sys = system as Obj;
    const parts = partsOf(typeof system === 'string' ? system : Array.isArray(system) ? system : (sys.parts ?? [sys]));
    if (parts.length) out.message({ role: 'system', parts });
  }
  if (typeof contents === 'string' && contents !== '') {
    out.text('user', contents);
    return;
  }
  const list = Array.isArray(contents) ? contents : [contents];
  // A list of strings or parts is one user message; a list of contents (with `parts`) is the conversation.
  if (list.every((c) => typeof c === 'string' || (c && typeof c === 'object' && !('parts' in (c as Obj))))) {
    const parts = partsOf(list);
    if (parts.length) out.message({ role: 'user', parts });
    return;
  }
  for (const c of list as Obj[]) {
    if (c && typeof c === 'object') addPartsMessage(out, roleOf(c.role), c.parts);
  }
}

export function requestAttributes(kind: GoogleCallKind, params: Obj, vertex: boolean, baseURL: unknown, settings: GenAiSettings): RequestAttributes {
  const request = baseRequestAttributes(vertex ? 'gcp.vertex_ai' : 'gcp.gemini', modelName(params.model), baseURL);
  const attrs = request.rest;
  const config = (params.config ?? {}) as Obj;
  if (kind !== 'embed') {
    addNumber(attrs, A.GEN_AI_REQUEST_TEMPERATURE, config.temperature);
    addNumber(attrs, A.GEN_AI_REQUEST_TOP_P, config.topP);
    addNumber(attrs, 'gen_ai.request.top_k', config.topK);
    addNumber(attrs, A.GEN_AI_REQUEST_MAX_TOKENS, config.maxOutputTokens);
    addNumber(attrs, 'gen_ai.request.seed', config.seed);
    addNumber(attrs, 'gen_ai.request.presence_penalty', config.presencePenalty);
    addNumber(attrs, 'gen_ai.request.frequency_penalty', config.frequencyPenalty);
    addNumber(attrs, 'gen_ai.request.choice.count', config.candidateCount);
    if (Array.isArray(config.stopSequences) && config.stopSequences.length) attrs['gen_ai.request.stop_sequences'] = config.stopSequences.map(String);
    if (config.responseMimeType === 'application/json' || config.responseSchema || config.responseJsonSchema) attrs['gen_ai.output.type'] = 'json';
  }
  if (settings.captureContent) {
    let text: string | undefined;
    if (kind === 'embed') text = contentJson(params.contents, settings.maxFieldSize);
    else {
      const messages = new MessagesJson();
      addInputMessages(messages, params.contents, config.systemInstruction);
      text = messages.result(settings.maxFieldSize);
    }
    if (text !== undefined) attrs[A.GEN_AI_INPUT_MESSAGES] = text;
  }
  return request;
}

/** Token usage of a response (`usageMetadata`), in the GenAI convention: input with its cached part, output with the thoughts. */
function usageAttributes(attrs: Attributes, usage: unknown): void {
  if (!usage || typeof usage !== 'object') return;
  const u = usage as Obj;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const prompt = num(u.promptTokenCount);
  const candidates = num(u.candidatesTokenCount);
  const thoughts = num(u.thoughtsTokenCount);
  if (prompt !== undefined) attrs[A.GEN_AI_USAGE_INPUT_TOKENS] = prompt + (num(u.toolUsePromptTokenCount) ?? 0);
  if (candidates !== undefined || thoughts !== undefined) attrs[A.GEN_AI_USAGE_OUTPUT_TOKENS] = (candidates ?? 0) + (thoughts ?? 0);
  if (num(u.cachedContentTokenCount) !== undefined) attrs[A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = num(u.cachedContentTokenCount)!;
  if (thoughts !== undefined) attrs[A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = thoughts;
}

const finishOf = (r: unknown) => (typeof r === 'string' ? r.toLowerCase() : undefined);

export function responseAttributes(kind: GoogleCallKind, result: unknown, settings: GenAiSettings): Attributes {
  const attrs: Attributes = {};
  const r = (result ?? {}) as Obj;
  if (kind === 'embed') {
    // Vertex AI counts an embedding's tokens; the Gemini API does not.
    const stats = ((r.embeddings as Obj[] | undefined) ?? []).map((e) => (e?.statistics as Obj | undefined)?.tokenCount ?? (e?.statistics as Obj | undefined)?.token_count);
    if (stats.length && stats.every((n) => typeof n === 'number')) attrs[A.GEN_AI_USAGE_INPUT_TOKENS] = (stats as number[]).reduce((a, b) => a + b, 0);
    return attrs;
  }
  if (typeof r.modelVersion === 'string') attrs[A.GEN_AI_RESPONSE_MODEL] = modelName(r.modelVersion)!;
  if (typeof r.responseId === 'string') attrs[A.GEN_AI_RESPONSE_ID] = r.responseId;
  usageAttributes(attrs, r.usageMetadata);
  const candidates = (r.candidates as Obj[] | undefined) ?? [];
  const finishes = candidates.map((c) => finishOf(c.finishReason)).filter((f): f is string => f !== undefined);
  if (finishes.length) attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = finishes;
  if (settings.captureContent && candidates.length) {
    const messages = new MessagesJson();
    for (const c of candidates) addPartsMessage(messages, 'assistant', (c.content as Obj | undefined)?.parts, finishOf(c.finishReason) || undefined);
    const text = messages.result(settings.maxFieldSize);
    if (text !== undefined) attrs[A.GEN_AI_OUTPUT_MESSAGES] = text;
  }
  return attrs;
}

/** What the chunks of a `generateContentStream` add up to: every chunk carries a slice of the parts, the last the usage. */
export class GeminiStreamAccumulator implements StreamAccumulator<Obj> {
  private readonly parts: Obj[] = [];
  private last: Obj | undefined;
  private finishReason: unknown;

  constructor(private readonly settings: GenAiSettings) {}

  onChunk(chunk: Obj): void {
    this.last = chunk;
    const candidate = (chunk?.candidates as Obj[] | undefined)?.[0];
    if (!candidate) return;
    if (candidate.finishReason) this.finishReason = candidate.finishReason;
    if (!this.settings.captureContent) return;
    for (const p of ((candidate.content as Obj | undefined)?.parts as Obj[] | undefined) ?? []) {
      const prev = this.parts[this.parts.length - 1];
      // Text arrives in pieces: one part per run of text (a thought's apart).
      if (typeof p.text === 'string' && prev && typeof prev.text === 'string' && prev.thought === p.thought) prev.text += p.text;
      else this.parts.push({ ...p });
    }
  }

  finish(complete: boolean): Attributes {
    const attrs = responseAttributes('stream', { ...this.last, candidates: [{ content: { role: 'model', parts: this.parts }, finishReason: this.finishReason }] }, this.settings);
    if (!complete) attrs['agentops.llm.incomplete'] = true;
    return attrs;
  }
}
