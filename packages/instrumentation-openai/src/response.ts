import type { Attributes } from '@opentelemetry/api';
import * as A from '@agentops/model';
import { contentJson, MessagesJson, parseArguments, textParts, type GenAiMessage, type GenAiSettings, type StreamAccumulator } from '@agentops/instrumentation-utils';
import type { OpenAiCallKind } from './request.js';

// Read once: these are on the path of every call, and a bundled module's exports are getters.
const {
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  GEN_AI_RESPONSE_ID,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_RESPONSE_FINISH_REASONS,
  GEN_AI_OUTPUT_MESSAGES,
} = A;

type Obj = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Adds the token counts of an OpenAI `usage` (chat/completions naming or Responses naming) to `attrs`. */
export function addUsageAttributes(attrs: Attributes, usage: unknown): Attributes {
  if (!usage || typeof usage !== 'object') return attrs;
  const u = usage as Obj;
  const input = num(u.prompt_tokens) ?? num(u.input_tokens);
  const output = num(u.completion_tokens) ?? num(u.output_tokens);
  const cached = num((u.prompt_tokens_details as Obj | undefined)?.cached_tokens) ?? num((u.input_tokens_details as Obj | undefined)?.cached_tokens);
  const reasoning =
    num((u.completion_tokens_details as Obj | undefined)?.reasoning_tokens) ?? num((u.output_tokens_details as Obj | undefined)?.reasoning_tokens);
  if (input !== undefined) attrs[GEN_AI_USAGE_INPUT_TOKENS] = input;
  if (output !== undefined) attrs[GEN_AI_USAGE_OUTPUT_TOKENS] = output;
  if (cached !== undefined) attrs[GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = cached;
  if (reasoning !== undefined) attrs[GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = reasoning;
  return attrs;
}

/** The finish reasons of chat choices; their messages are written to `out` when content is captured. */
function chatChoices(choices: unknown, out: MessagesJson | undefined): string[] {
  const finish: string[] = [];
  for (const c of Array.isArray(choices) ? (choices as Obj[]) : []) {
    const reason = typeof c.finish_reason === 'string' && c.finish_reason !== '' ? c.finish_reason : undefined;
    if (reason) finish.push(reason);
    if (out === undefined) continue;
    const msg = (c.message ?? {}) as Obj;
    const role = typeof msg.role === 'string' ? msg.role : String(msg.role ?? 'assistant');
    if (typeof msg.content === 'string' && typeof msg.refusal !== 'string' && !Array.isArray(msg.tool_calls) && typeof c.text !== 'string') {
      out.text(role, msg.content, reason);
      continue;
    }
    const parts = textParts(msg.content);
    if (typeof msg.refusal === 'string') parts.push({ type: 'refusal', content: msg.refusal });
    for (const tc of Array.isArray(msg.tool_calls) ? (msg.tool_calls as Obj[]) : []) {
      const fn = (tc.function ?? {}) as Obj;
      parts.push({ type: 'tool_call', id: tc.id as string, name: String(fn.name ?? tc.type), arguments: parseArguments(fn.arguments) });
    }
    if (typeof c.text === 'string') parts.push({ type: 'text', content: c.text });
    const message: GenAiMessage = { role, parts };
    if (reason) message.finish_reason = reason;
    out.message(message);
  }
  return finish;
}

function responsesOutput(response: Obj): { messages: GenAiMessage[]; finish: string[] } {
  const parts: GenAiMessage['parts'] = [];
  for (const item of Array.isArray(response.output) ? (response.output as Obj[]) : []) {
    if (item.type === 'message') parts.push(...textParts(item.content));
    else if (item.type === 'function_call') parts.push({ type: 'tool_call', id: item.call_id as string, name: String(item.name), arguments: parseArguments(item.arguments) });
    else if (item.type === 'reasoning') {
      const summary = Array.isArray(item.summary) ? (item.summary as Obj[]).map((s) => s.text).filter(Boolean).join('\n') : '';
      if (summary) parts.push({ type: 'reasoning', content: summary });
    }
  }
  const incomplete = (response.incomplete_details as Obj | undefined)?.reason;
  const reason = typeof incomplete === 'string' ? incomplete : typeof response.status === 'string' ? (response.status === 'completed' ? 'stop' : response.status) : undefined;
  return { messages: parts.length ? [{ role: 'assistant', parts, ...(reason ? { finish_reason: reason } : {}) }] : [], finish: reason ? [reason] : [] };
}

/** The attributes of a complete (non-streamed) response. */
export function responseAttributes(kind: OpenAiCallKind, result: unknown, settings: GenAiSettings): Attributes {
  if (!result || typeof result !== 'object') return {};
  const r = result as Obj;
  const attrs = addUsageAttributes({}, r.usage);
  if (typeof r.id === 'string') attrs[GEN_AI_RESPONSE_ID] = r.id;
  if (typeof r.model === 'string') attrs[GEN_AI_RESPONSE_MODEL] = r.model;
  if (kind === 'embeddings') return attrs;
  if (kind === 'responses') {
    const { messages, finish } = responsesOutput(r);
    if (finish.length) attrs[GEN_AI_RESPONSE_FINISH_REASONS] = finish;
    if (settings.captureContent && messages.length) attrs[GEN_AI_OUTPUT_MESSAGES] = contentJson(messages, settings.maxFieldSize);
    return attrs;
  }
  const messages = settings.captureContent ? new MessagesJson() : undefined;
  const finish = chatChoices(r.choices, messages);
  if (finish.length) attrs[GEN_AI_RESPONSE_FINISH_REASONS] = finish;
  const json = messages?.result(settings.maxFieldSize);
  if (json !== undefined) attrs[GEN_AI_OUTPUT_MESSAGES] = json;
  return attrs;
}

interface ChoiceState {
  text: string;
  finish?: string;
  tools: Array<{ id?: string; name: string; args: string }>;
}

/** Adds up `chat.completions` / `completions` stream chunks. Without a usage chunk, tokens stay unknown. */
export class ChatStreamAccumulator implements StreamAccumulator<Obj> {
  private id: string | undefined = undefined;
  private model: string | undefined = undefined;
  private usage: unknown = undefined;
  // By choice index; nearly always just [0].
  private readonly choices: ChoiceState[] = [];

  constructor(private readonly settings: GenAiSettings) {}

  onChunk(chunk: Obj): void {
    if (this.id === undefined && typeof chunk.id === 'string') this.id = chunk.id;
    if (this.model === undefined && typeof chunk.model === 'string') this.model = chunk.model;
    if (chunk.usage) this.usage = chunk.usage;
    const choices = chunk.choices;
    if (!Array.isArray(choices)) return;
    const capture = this.settings.captureContent;
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i] as Obj;
      const index = num(c.index) ?? 0;
      if (index < 0 || index > 1000) continue;
      const st = (this.choices[index] ??= { text: '', tools: [] });
      const delta = c.delta as Obj | undefined;
      if (capture) {
        if (typeof delta?.content === 'string') st.text += delta.content;
        if (typeof c.text === 'string') st.text += c.text;
      }
      const toolCalls = delta?.tool_calls;
      if (Array.isArray(toolCalls)) {
        for (const tc of toolCalls as Obj[]) {
          const ti = num(tc.index) ?? 0;
          if (ti < 0 || ti > 1000) continue;
          const fn = (tc.function ?? {}) as Obj;
          const t = (st.tools[ti] ??= { name: '', args: '' });
          if (typeof tc.id === 'string') t.id = tc.id;
          if (typeof fn.name === 'string') t.name += fn.name;
          if (typeof fn.arguments === 'string' && capture) t.args += fn.arguments;
        }
      }
      if (typeof c.finish_reason === 'string') st.finish = c.finish_reason;
    }
  }

  finish(): Attributes {
    const capture = this.settings.captureContent;
    const attrs = addUsageAttributes({}, this.usage);
    if (this.id) attrs[GEN_AI_RESPONSE_ID] = this.id;
    if (this.model) attrs[GEN_AI_RESPONSE_MODEL] = this.model;
    // Plain loops: this runs once per stream, but on every stream.
    const finish: string[] = [];
    const messages = new MessagesJson();
    let anyPart = false;
    for (const c of this.choices) {
      if (!c) continue; // a hole: an index no chunk had
      if (c.finish) finish.push(c.finish);
      if (!capture) continue;
      const reason = c.finish || undefined;
      anyPart ||= c.text !== '' || c.tools.length > 0;
      if (c.tools.length === 0) {
        messages.text('assistant', c.text, reason);
        continue;
      }
      const parts: GenAiMessage['parts'] = c.text ? [{ type: 'text', content: c.text }] : [];
      for (const t of c.tools) if (t) parts.push({ type: 'tool_call', id: t.id, name: t.name, arguments: parseArguments(t.args) });
      messages.message(reason ? { role: 'assistant', parts, finish_reason: reason } : { role: 'assistant', parts });
    }
    if (finish.length) attrs[GEN_AI_RESPONSE_FINISH_REASONS] = finish;
    const json = anyPart ? messages.result(this.settings.maxFieldSize) : undefined;
    if (json !== undefined) attrs[GEN_AI_OUTPUT_MESSAGES] = json;
    return attrs;
  }
}

/** Responses API stream: the final `response.completed` (or incomplete / failed) event carries everything. */
export class ResponsesStreamAccumulator implements StreamAccumulator<Obj> {
  private final: Obj | undefined = undefined;
  private created: Obj | undefined = undefined;

  constructor(private readonly settings: GenAiSettings) {}

  onChunk(event: Obj): void {
    const t = event.type;
    if (t === 'response.created') this.created = event.response as Obj;
    else if (t === 'response.completed' || t === 'response.incomplete' || t === 'response.failed') this.final = event.response as Obj;
  }

  finish(): Attributes {
    if (this.final) return responseAttributes('responses', this.final, this.settings);
    const attrs: Attributes = {};
    if (typeof this.created?.id === 'string') attrs[GEN_AI_RESPONSE_ID] = this.created.id;
    if (typeof this.created?.model === 'string') attrs[GEN_AI_RESPONSE_MODEL] = this.created.model;
    return attrs;
  }
}
