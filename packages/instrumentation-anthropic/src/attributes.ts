import type { Attributes } from '@opentelemetry/api';
import * as A from '@agentops/model';
import { addNumber, baseRequestAttributes, type RequestAttributes, contentJson, MessagesJson, type GenAiMessage, type GenAiSettings, type MessagePart, type StreamAccumulator } from '@agentops/instrumentation-utils';

// Read once: these are on the path of every call, and a bundled module's exports are getters.
const {
  GEN_AI_REQUEST_MAX_TOKENS,
  GEN_AI_REQUEST_TEMPERATURE,
  GEN_AI_REQUEST_TOP_P,
  GEN_AI_INPUT_MESSAGES,
  GEN_AI_OUTPUT_MESSAGES,
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  GEN_AI_RESPONSE_ID,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_RESPONSE_FINISH_REASONS,
} = A;

type Obj = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Anthropic content (a string or a list of blocks) as GenAI message parts. */
export function blockParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return content ? [{ type: 'text', content }] : [];
  const parts: MessagePart[] = [];
  for (const b of Array.isArray(content) ? (content as Obj[]) : []) {
    if (!b || typeof b !== 'object') continue;
    switch (b.type) {
      case 'text':
        parts.push({ type: 'text', content: String(b.text ?? '') });
        break;
      case 'thinking':
        parts.push({ type: 'reasoning', content: String(b.thinking ?? '') });
        break;
      case 'tool_use':
      case 'server_tool_use':
        parts.push({ type: 'tool_call', id: b.id as string, name: String(b.name), arguments: b.input });
        break;
      case 'tool_result':
        parts.push({ type: 'tool_call_response', id: b.tool_use_id as string, response: b.content });
        break;
      default:
        parts.push({ type: String(b.type) });
    }
  }
  return parts;
}

export function requestAttributes(params: Obj, baseURL: unknown, settings: GenAiSettings): RequestAttributes {
  const request = baseRequestAttributes('anthropic', params.model, baseURL);
  const attrs = request.rest;
  addNumber(attrs, GEN_AI_REQUEST_MAX_TOKENS, params.max_tokens);
  addNumber(attrs, GEN_AI_REQUEST_TEMPERATURE, params.temperature);
  addNumber(attrs, GEN_AI_REQUEST_TOP_P, params.top_p);
  addNumber(attrs, 'gen_ai.request.top_k', params.top_k);
  if (Array.isArray(params.stop_sequences)) attrs['gen_ai.request.stop_sequences'] = params.stop_sequences.map(String);
  if (params.stream === true) attrs['gen_ai.request.stream'] = true;
  if (Array.isArray(params.tools)) attrs['gen_ai.request.tool_names'] = (params.tools as Obj[]).map((t) => String(t.name ?? t.type));
  if (settings.captureContent) {
    const messages = new MessagesJson();
    for (const m of Array.isArray(params.messages) ? (params.messages as Array<Obj | null>) : []) {
      if (!m || typeof m !== 'object') {
        messages.message(m);
        continue;
      }
      const role = typeof m.role === 'string' ? m.role : String(m.role ?? 'user');
      if (typeof m.content === 'string') messages.text(role, m.content);
      else messages.message({ role, parts: blockParts(m.content) });
    }
    const input = messages.result(settings.maxFieldSize);
    if (input !== undefined) attrs[GEN_AI_INPUT_MESSAGES] = input;
    if (params.system !== undefined) attrs['gen_ai.system_instructions'] = contentJson(blockParts(params.system), settings.maxFieldSize);
  }
  return request;
}

/**
 * Anthropic counts cache reads and writes apart from `input_tokens`; the GenAI convention's
 * `gen_ai.usage.input_tokens` includes them, so they are added back.
 */
export function usageAttributes(usage: unknown, outputOverride?: number): Attributes {
  if (!usage || typeof usage !== 'object') return outputOverride !== undefined ? { [GEN_AI_USAGE_OUTPUT_TOKENS]: outputOverride } : {};
  const u = usage as Obj;
  const attrs: Attributes = {};
  const input = num(u.input_tokens);
  const cacheRead = num(u.cache_read_input_tokens);
  const cacheWrite = num(u.cache_creation_input_tokens);
  if (input !== undefined) attrs[GEN_AI_USAGE_INPUT_TOKENS] = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (cacheRead !== undefined) attrs[GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = cacheRead;
  if (cacheWrite !== undefined) attrs[GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = cacheWrite;
  const output = outputOverride ?? num(u.output_tokens);
  if (output !== undefined) attrs[GEN_AI_USAGE_OUTPUT_TOKENS] = output;
  return attrs;
}

export function messageAttributes(message: unknown, settings: GenAiSettings): Attributes {
  if (!message || typeof message !== 'object') return {};
  const m = message as Obj;
  const attrs: Attributes = usageAttributes(m.usage);
  if (typeof m.id === 'string') attrs[GEN_AI_RESPONSE_ID] = m.id;
  if (typeof m.model === 'string') attrs[GEN_AI_RESPONSE_MODEL] = m.model;
  const reason = typeof m.stop_reason === 'string' ? m.stop_reason : undefined;
  if (reason) attrs[GEN_AI_RESPONSE_FINISH_REASONS] = [reason];
  if (settings.captureContent) {
    const out: GenAiMessage[] = [{ role: 'assistant', parts: blockParts(m.content), ...(reason ? { finish_reason: reason } : {}) }];
    attrs[GEN_AI_OUTPUT_MESSAGES] = contentJson(out, settings.maxFieldSize);
  }
  return attrs;
}

/** Adds up `messages.create({stream: true})` events into the message they describe. */
export function messageStreamAccumulator(settings: GenAiSettings): StreamAccumulator<Obj> {
  let message: Obj | undefined;
  const blocks: Obj[] = [];
  const json: string[] = [];
  let stopReason: string | undefined;
  let outputTokens: number | undefined;
  let deltaUsage: Obj | undefined;
  return {
    onChunk(event) {
      switch (event.type) {
        case 'message_start':
          message = event.message as Obj;
          break;
        case 'content_block_start': {
          const i = num(event.index) ?? blocks.length;
          blocks[i] = { ...(event.content_block as Obj) };
          json[i] = '';
          break;
        }
        case 'content_block_delta': {
          const i = num(event.index) ?? 0;
          const d = (event.delta ?? {}) as Obj;
          const b = (blocks[i] ??= { type: 'text', text: '' });
          if (!settings.captureContent) break;
          if (d.type === 'text_delta') b.text = String(b.text ?? '') + String(d.text ?? '');
          else if (d.type === 'thinking_delta') b.thinking = String(b.thinking ?? '') + String(d.thinking ?? '');
          else if (d.type === 'input_json_delta') json[i] = (json[i] ?? '') + String(d.partial_json ?? '');
          break;
        }
        case 'message_delta': {
          const d = (event.delta ?? {}) as Obj;
          if (typeof d.stop_reason === 'string') stopReason = d.stop_reason;
          deltaUsage = event.usage as Obj | undefined;
          outputTokens = num(deltaUsage?.output_tokens) ?? outputTokens;
          break;
        }
      }
    },
    finish() {
      blocks.forEach((b, i) => {
        if (b && (b.type === 'tool_use' || b.type === 'server_tool_use') && json[i]) {
          try {
            b.input = JSON.parse(json[i]);
          } catch {
            b.input = json[i];
          }
        }
      });
      // Newer APIs repeat the final input counts in message_delta; prefer them when present.
      const usage = { ...((message?.usage as Obj | undefined) ?? {}), ...Object.fromEntries(Object.entries(deltaUsage ?? {}).filter(([, v]) => v !== null)) };
      return messageAttributes(
        { ...message, content: blocks.filter(Boolean), stop_reason: stopReason ?? message?.stop_reason, usage: message || deltaUsage ? { ...usage, output_tokens: outputTokens ?? usage.output_tokens } : undefined },
        settings,
      );
    },
  };
}
