import type { MessagesJson } from './content-json.js';

/**
 * The GenAI semantic conventions' message shape (`gen_ai.input.messages` / `gen_ai.output.messages`):
 * `{role, parts: [{type: 'text', content} | {type: 'tool_call', id, name, arguments} |
 * {type: 'tool_call_response', id, response} | ...], finish_reason?}`.
 */
export type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: string; [k: string]: unknown };

export interface GenAiMessage {
  role: string;
  parts: MessagePart[];
  finish_reason?: string;
}

/** Tool-call arguments arrive as JSON text; keep them as data when they parse. */
export function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/** Text of a content that is a string or a list of typed parts (`text`, `input_text`, `output_text`...). */
export function textParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return content ? [{ type: 'text', content }] : [];
  if (!Array.isArray(content)) return [];
  const parts: MessagePart[] = [];
  for (const p of content as Array<Record<string, unknown>>) {
    if (!p || typeof p !== 'object') continue;
    if (typeof p.text === 'string') parts.push({ type: 'text', content: p.text });
    else if (typeof p.refusal === 'string') parts.push({ type: 'refusal', content: p.refusal });
    else if (typeof p.type === 'string') parts.push({ type: p.type });
  }
  return parts;
}

/** OpenAI-style tool calls (`[{ id, function: { name, arguments } }]`, as Mistral and Cohere also write them) as parts. */
export function toolCallParts(calls: unknown): MessagePart[] {
  if (!Array.isArray(calls)) return [];
  return (calls as Array<Record<string, unknown>>).map((c) => {
    const fn = (c.function ?? {}) as Record<string, unknown>;
    return { type: 'tool_call', ...(typeof c.id === 'string' ? { id: c.id } : {}), name: String(fn.name ?? c.type), arguments: parseArguments(fn.arguments) };
  });
}

/**
 * Chat messages of the OpenAI shape (snake_case, or an SDK's camelCase `toolCalls`, `toolCallId`) as GenAI messages,
 * written to `out`: a message of plain text, nearly every one, straight from its role and text.
 */
export function addChatMessages(out: MessagesJson, messages: unknown): void {
  if (!Array.isArray(messages)) return;
  for (const m of messages as Array<Record<string, unknown> | null>) {
    if (!m || typeof m !== 'object') {
      out.message(m); // written as it is: one odd item does not cost the others
      continue;
    }
    const role = typeof m.role === 'string' ? m.role : String(m.role ?? 'user');
    if (role === 'tool') {
      out.message({ role, parts: [{ type: 'tool_call_response', id: m.toolCallId ?? m.tool_call_id, response: m.content }] });
      continue;
    }
    const calls = m.toolCalls ?? m.tool_calls;
    if (typeof m.content === 'string' && !Array.isArray(calls)) out.text(role, m.content);
    else out.message({ role, parts: [...textParts(m.content), ...toolCallParts(calls)] });
  }
}
