import type { Attributes } from '@opentelemetry/api';
import * as A from '@agentops/model';
import { contentJson, parseArguments, textParts, type GenAiMessage, type GenAiSettings, type StreamAccumulator } from '@agentops/instrumentation-utils';
import type { OpenAiCallKind } from './request.js';

type Obj = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Token counts of an OpenAI `usage` (chat/completions naming or Responses naming). */
export function usageAttributes(usage: unknown): Attributes {
  if (!usage || typeof usage !== 'object') return {};
  const u = usage as Obj;
  const attrs: Attributes = {};
  const input = num(u.prompt_tokens) ?? num(u.input_tokens);
  const output = num(u.completion_tokens) ?? num(u.output_tokens);
  const cached = num((u.prompt_tokens_details as Obj | undefined)?.cached_tokens) ?? num((u.input_tokens_details as Obj | undefined)?.cached_tokens);
  const reasoning =
    num((u.completion_tokens_details as Obj | undefined)?.reasoning_tokens) ?? num((u.output_tokens_details as Obj | undefined)?.reasoning_tokens);
  if (input !== undefined) attrs[A.GEN_AI_USAGE_INPUT_TOKENS] = input;
  if (output !== undefined) attrs[A.GEN_AI_USAGE_OUTPUT_TOKENS] = output;
  if (cached !== undefined) attrs[A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = cached;
  if (reasoning !== undefined) attrs[A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = reasoning;
  return attrs;
}

function chatChoiceMessages(choices: unknown): { messages: GenAiMessage[]; finish: string[] } {
  const messages: GenAiMessage[] = [];
  const finish: string[] = [];
  for (const c of Array.isArray(choices) ? (choices as Obj[]) : []) {
    const msg = (c.message ?? {}) as Obj;
    const parts = textParts(msg.content);
    if (typeof msg.refusal === 'string') parts.push({ type: 'refusal', content: msg.refusal });
    for (const tc of Array.isArray(msg.tool_calls) ? (msg.tool_calls as Obj[]) : []) {
      const fn = (tc.function ?? {}) as Obj;
      parts.push({ type: 'tool_call', id: tc.id as string, name: String(fn.name ?? tc.type), arguments: parseArguments(fn.arguments) });
    }
    if (typeof c.text === 'string') parts.push({ type: 'text', content: c.text });
    const reason = typeof c.finish_reason === 'string' ? c.finish_reason : undefined;
    if (reason) finish.push(reason);
    messages.push({ role: String(msg.role ?? 'assistant'), parts, ...(reason ? { finish_reason: reason } : {}) });
  }
  return { messages, finish };
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
  const attrs: Attributes = { ...usageAttributes(r.usage) };
  if (typeof r.id === 'string') attrs[A.GEN_AI_RESPONSE_ID] = r.id;
  if (typeof r.model === 'string') attrs[A.GEN_AI_RESPONSE_MODEL] = r.model;
  if (kind === 'embeddings') return attrs;
  const { messages, finish } = kind === 'responses' ? responsesOutput(r) : chatChoiceMessages(r.choices);
  if (finish.length) attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = finish;
  if (settings.captureContent && messages.length) attrs[A.GEN_AI_OUTPUT_MESSAGES] = contentJson(messages, settings.maxFieldSize);
  return attrs;
}

interface ChoiceState {
  text: string;
  finish?: string;
  tools: Map<number, { id?: string; name: string; args: string }>;
}

/** Adds up `chat.completions` / `completions` stream chunks. Without a usage chunk, tokens stay unknown. */
export function chatStreamAccumulator(settings: GenAiSettings): StreamAccumulator<Obj> {
  let id: string | undefined;
  let model: string | undefined;
  let usage: unknown;
  const choices = new Map<number, ChoiceState>();
  return {
    onChunk(chunk) {
      if (typeof chunk.id === 'string') id ??= chunk.id;
      if (typeof chunk.model === 'string') model ??= chunk.model;
      if (chunk.usage) usage = chunk.usage;
      for (const c of Array.isArray(chunk.choices) ? (chunk.choices as Obj[]) : []) {
        const index = num(c.index) ?? 0;
        let st = choices.get(index);
        if (!st) choices.set(index, (st = { text: '', tools: new Map() }));
        const delta = (c.delta ?? {}) as Obj;
        if (settings.captureContent) {
          if (typeof delta.content === 'string') st.text += delta.content;
          if (typeof c.text === 'string') st.text += c.text;
        }
        for (const tc of Array.isArray(delta.tool_calls) ? (delta.tool_calls as Obj[]) : []) {
          const ti = num(tc.index) ?? 0;
          const fn = (tc.function ?? {}) as Obj;
          const t = st.tools.get(ti) ?? { name: '', args: '' };
          if (typeof tc.id === 'string') t.id = tc.id;
          if (typeof fn.name === 'string') t.name += fn.name;
          if (typeof fn.arguments === 'string' && settings.captureContent) t.args += fn.arguments;
          st.tools.set(ti, t);
        }
        if (typeof c.finish_reason === 'string') st.finish = c.finish_reason;
      }
    },
    finish() {
      const attrs: Attributes = { ...usageAttributes(usage) };
      if (id) attrs[A.GEN_AI_RESPONSE_ID] = id;
      if (model) attrs[A.GEN_AI_RESPONSE_MODEL] = model;
      const sorted = [...choices.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
      const finish = sorted.map((c) => c.finish).filter((f): f is string => !!f);
      if (finish.length) attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = finish;
      const messages: GenAiMessage[] = sorted.map((c) => ({
        role: 'assistant',
        parts: [
          ...(c.text ? [{ type: 'text', content: c.text }] : []),
          ...[...c.tools.values()].map((t) => ({ type: 'tool_call', id: t.id, name: t.name, arguments: settings.captureContent ? parseArguments(t.args) : undefined })),
        ],
        ...(c.finish ? { finish_reason: c.finish } : {}),
      }));
      if (settings.captureContent && messages.some((m) => m.parts.length)) attrs[A.GEN_AI_OUTPUT_MESSAGES] = contentJson(messages, settings.maxFieldSize);
      return attrs;
    },
  };
}

/** Responses API stream: the final `response.completed` (or incomplete / failed) event carries everything. */
export function responsesStreamAccumulator(settings: GenAiSettings): StreamAccumulator<Obj> {
  let final: Obj | undefined;
  let created: Obj | undefined;
  return {
    onChunk(event) {
      const t = event.type;
      if (t === 'response.created') created = event.response as Obj;
      else if (t === 'response.completed' || t === 'response.incomplete' || t === 'response.failed') final = event.response as Obj;
    },
    finish() {
      if (final) return responseAttributes('responses', final, settings);
      const attrs: Attributes = {};
      if (typeof created?.id === 'string') attrs[A.GEN_AI_RESPONSE_ID] = created.id;
      if (typeof created?.model === 'string') attrs[A.GEN_AI_RESPONSE_MODEL] = created.model;
      return attrs;
    },
  };
}
