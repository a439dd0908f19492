import type { GenAiMessage, MessagePart } from './messages.js';

/** `s`, cut to `limit` characters with a marker saying so. */
export function cut(s: string, limit: number): string {
  return s.length > limit ? `${s.slice(0, limit)}…[truncated by AgentOps at ${limit} characters]` : s;
}

// What JSON must escape: a quote, a backslash, control characters and surrogates (JSON.stringify knows which are lone).
// eslint-disable-next-line no-control-regex -- control characters are exactly what this pattern is for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A JSON string literal: the roles, part types and finish reasons nearly every message has are known literals (a
 * switch on interned strings, no scan); other strings go between plain quotes when nothing in them needs escaping
 * (long strings: JSON.stringify's own scan).
 */
function quoted(s: string): string {
  switch (s) {
    case 'user':
      return '"user"';
    case 'assistant':
      return '"assistant"';
    case 'system':
      return '"system"';
    case 'tool':
      return '"tool"';
    case 'text':
      return '"text"';
    case 'stop':
      return '"stop"';
  }
  return s.length > 1024 || NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

function keyCount(o: object): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

function partJson(part: MessagePart): string {
  const content = typeof part === 'object' && part !== null ? (part as { content?: unknown }).content : undefined;
  if (typeof content === 'string' && typeof part.type === 'string' && keyCount(part) === 2) return '{"type":' + quoted(part.type) + ',"content":' + quoted(content) + '}';
  return JSON.stringify(part) ?? 'null';
}

function messageJson(m: GenAiMessage): string {
  const n = typeof m === 'object' && m !== null ? keyCount(m) : 0;
  const finish = m?.finish_reason;
  const plain =
    typeof m?.role === 'string' && Array.isArray(m.parts) && (n === 2 || (n === 3 && 'finish_reason' in m && (finish === undefined || typeof finish === 'string')));
  if (!plain) return JSON.stringify(m) ?? 'null';
  let out = '{"role":' + quoted(m.role) + ',"parts":[';
  for (let i = 0; i < m.parts.length; i++) out += (i > 0 ? ',' : '') + partJson(m.parts[i]!);
  return finish === undefined ? out + ']}' : out + '],"finish_reason":' + quoted(finish) + '}';
}

/** A content string as a JSON literal: between plain quotes when nothing in it needs escaping. */
function quotedText(s: string): string {
  return s.length > 1024 || NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

/**
 * The JSON of a list of GenAI messages, written as a provider's messages are read, equal to `JSON.stringify` of the
 * messages. A message of one text part — nearly every message of a chat — is written straight from its role and
 * text, with no message object built to be serialised again; any other goes through {@link message}. V8's
 * JSON.stringify costs hundreds of instructions per key and string on Node 20, an array joined at the end
 * thousands. Concatenated, then read once so that V8 flattens it: the span keeps one flat string until export, not a
 * tree of concatenations that every young-generation collection would copy.
 */
export class MessagesJson {
  private json = '';
  private failed = false;

  /** Adds `{role, parts: [{type: 'text', content}], finish_reason?}`; no part when `content` is empty (as {@link textParts}). */
  text(role: string, content: string, finishReason?: string): void {
    this.json +=
      (this.json === '' ? '[{"role":' : ',{"role":') +
      quoted(role) +
      (content === '' ? ',"parts":[]' : ',"parts":[{"type":"text","content":' + quotedText(content) + '}]') +
      (finishReason === undefined ? '}' : ',"finish_reason":' + quoted(finishReason) + '}');
  }

  /** Adds any item: a GenAI message is written by hand, anything else by JSON.stringify. Never throws. */
  message(m: unknown): void {
    try {
      this.json += (this.json === '' ? '[' : ',') + messageJson(m as GenAiMessage);
    } catch {
      this.failed = true; // a cycle, a bigint: no JSON for the list
    }
  }

  /**
   * The JSON of the list, flat, cut to `limit` characters; undefined when nothing was added or an item could not
   * be written.
   */
  result(limit: number): string | undefined {
    if (this.failed || this.json === '') return undefined;
    const json = this.json + ']';
    json.charCodeAt(0);
    return cut(json, limit);
  }
}

function arrayJson(items: readonly unknown[]): string | undefined {
  if (items.length === 0) return '[]';
  const out = new MessagesJson();
  for (let i = 0; i < items.length; i++) out.message(items[i]);
  return out.result(Infinity);
}

/** JSON of content for an attribute (a string is kept as it is), bounded to `limit` characters; never throws. */
export function contentJson(value: unknown, limit: number): string | undefined {
  if (value === undefined) return undefined;
  try {
    const json =
      typeof value === 'string'
        ? value
        : Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype && typeof (value as { toJSON?: unknown }).toJSON !== 'function'
          ? arrayJson(value)
          : JSON.stringify(value);
    return json === undefined ? undefined : cut(json, limit);
  } catch {
    return undefined;
  }
}
