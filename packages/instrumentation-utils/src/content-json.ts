import type { GenAiMessage, MessagePart } from './messages.js';

/** `s`, cut to `limit` characters with a marker saying so. */
export function cut(s: string, limit: number): string {
  return s.length > limit ? `${s.slice(0, limit)}…[truncated by AgentOps at ${limit} characters]` : s;
}

// What JSON must escape: a quote, a backslash, control characters and surrogates (JSON.stringify knows which are lone).
// eslint-disable-next-line no-control-regex -- control characters are exactly what this pattern is for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Appends a JSON string literal: between plain quotes when nothing in it needs escaping (long strings: JSON.stringify's own scan). */
function pushQuoted(out: string[], s: string): void {
  if (s.length > 1024 || NEEDS_ESCAPE.test(s)) out.push(JSON.stringify(s));
  else out.push('"', s, '"');
}

function keyCount(o: object): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

function pushPart(out: string[], part: MessagePart): void {
  const content = typeof part === 'object' && part !== null ? (part as { content?: unknown }).content : undefined;
  if (typeof content === 'string' && typeof part.type === 'string' && keyCount(part) === 2) {
    out.push('{"type":');
    pushQuoted(out, part.type);
    out.push(',"content":');
    pushQuoted(out, content);
    out.push('}');
  } else out.push(JSON.stringify(part) ?? 'null');
}

function pushMessage(out: string[], m: GenAiMessage): void {
  const n = typeof m === 'object' && m !== null ? keyCount(m) : 0;
  const finish = m?.finish_reason;
  const plain =
    typeof m?.role === 'string' && Array.isArray(m.parts) && (n === 2 || (n === 3 && 'finish_reason' in m && (finish === undefined || typeof finish === 'string')));
  if (!plain) {
    out.push(JSON.stringify(m) ?? 'null');
    return;
  }
  out.push('{"role":');
  pushQuoted(out, m.role);
  out.push(',"parts":[');
  for (let i = 0; i < m.parts.length; i++) {
    if (i > 0) out.push(',');
    pushPart(out, m.parts[i]!);
  }
  out.push(']');
  if (finish !== undefined) {
    out.push(',"finish_reason":');
    pushQuoted(out, finish);
  }
  out.push('}');
}

/**
 * The JSON of a list, equal to `JSON.stringify(items)`: GenAI messages (`{role, parts, finish_reason?}` with text
 * parts), the bulk of every captured call, are written by hand — V8's JSON.stringify costs hundreds of instructions
 * per key and string on Node 20 — and any other item, or part, goes through JSON.stringify. Joined once into one
 * flat string: the span keeps it until export, and a tree of concatenations would be copied by every
 * young-generation collection on the way.
 */
function arrayJson(items: readonly unknown[]): string {
  const out: string[] = ['['];
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.push(',');
    pushMessage(out, items[i] as GenAiMessage);
  }
  out.push(']');
  return out.join('');
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
