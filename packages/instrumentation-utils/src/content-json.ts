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

/**
 * The JSON of a list, equal to `JSON.stringify(items)`: GenAI messages (`{role, parts, finish_reason?}` with text
 * parts), the bulk of every captured call, are written by hand — V8's JSON.stringify costs hundreds of instructions
 * per key and string on Node 20, an array joined at the end thousands — and any other item, or part, goes through
 * JSON.stringify. Concatenated, then read once so that V8 flattens it: the span keeps one flat string until export,
 * not a tree of concatenations that every young-generation collection would copy.
 */
function arrayJson(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) out += (i > 0 ? ',' : '') + messageJson(items[i] as GenAiMessage);
  out += ']';
  out.charCodeAt(0);
  return out;
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
