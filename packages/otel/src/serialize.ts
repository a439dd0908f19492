/**
 * Turns whatever an app hands us (params, returns, logs) into a bounded JSON string without ever throwing:
 * cycles, BigInt, functions, Buffers, class instances, Maps and Sets, getters that throw and hostile
 * Proxies all serialize to something readable. Output past `limit` characters is cut with a visible marker,
 * and the walk stops there, so a huge value costs no more than the limit.
 */

export const DEFAULT_MAX_FIELD_SIZE = 64 * 1024;
const MAX_DEPTH = 32;
const MAX_ITEMS = 1000;

/** The marker that ends a cut value. */
export function truncationMarker(limit: number): string {
  return `…[truncated by AgentOps at ${limit} characters]`;
}

class Budget extends Error {}

/** A string field, cut to `limit` characters with the marker. */
export function truncateString(s: string, limit: number): string {
  return s.length > limit ? s.slice(0, limit) + truncationMarker(limit) : s;
}

/** JSON for any value; strings are kept as they are (not quoted). Undefined for `undefined`. */
export function toAttributeString(value: unknown, limit = DEFAULT_MAX_FIELD_SIZE): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return truncateString(value, limit);
  return safeJson(value, limit);
}

const FAST_MAX_NODES = 64;
const FAST_MAX_DEPTH = 8;

/**
 * True for small trees of plain objects, plain arrays, strings, finite numbers, booleans and null, whose
 * strings fit in `budget`: the common case of params and returns, which `JSON.stringify` then serializes
 * exactly as the walker would, only faster. Anything else (or any throw) takes the careful path.
 */
function isSmallPlainData(root: unknown, budget: number): boolean {
  let nodes = 0;
  let chars = 0;
  const check = (v: unknown, depth: number): boolean => {
    if (++nodes > FAST_MAX_NODES || depth > FAST_MAX_DEPTH) return false;
    switch (typeof v) {
      case 'string':
        chars += v.length;
        return chars <= budget;
      case 'number':
        return Number.isFinite(v);
      case 'boolean':
        return true;
      case 'object': {
        if (v === null) return true;
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) if (!check(v[i], depth + 1)) return false;
          return true;
        }
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) return false;
        if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
        for (const key in v) {
          chars += key.length;
          if (!check((v as Record<string, unknown>)[key], depth + 1)) return false;
        }
        return true;
      }
      default:
        return false;
    }
  };
  try {
    // Cycles cannot hide here: a cycle exceeds the depth bound first.
    return check(root, 0);
  } catch {
    return false;
  }
}

/** JSON for any value, never throwing, at most `limit` characters plus the marker. */
export function safeJson(value: unknown, limit = DEFAULT_MAX_FIELD_SIZE): string {
  if (isSmallPlainData(value, limit / 2)) {
    try {
      const json = JSON.stringify(value);
      if (json.length <= limit) return json;
    } catch {
      // fall through to the careful walk
    }
  }
  const parts: string[] = [];
  let size = 0;
  const seen: object[] = [];

  const push = (s: string): void => {
    size += s.length;
    parts.push(s);
    if (size > limit) throw new Budget();
  };

  const walk = (v: unknown, depth: number): void => {
    switch (typeof v) {
      case 'string':
        push(JSON.stringify(v));
        return;
      case 'number':
        push(Number.isFinite(v) ? String(v) : JSON.stringify(String(v)));
        return;
      case 'boolean':
        push(v ? 'true' : 'false');
        return;
      case 'bigint':
        push(`"${v.toString()}"`);
        return;
      case 'undefined':
        push('null');
        return;
      case 'symbol':
        push(JSON.stringify(v.toString()));
        return;
      case 'function':
        push(JSON.stringify(`[Function ${(v as { name?: string }).name || 'anonymous'}]`));
        return;
    }
    if (v === null) return push('null');
    const obj = v as object;
    if (seen.includes(obj)) return push('"[Circular]"');
    if (depth >= MAX_DEPTH) return push('"[Max depth]"');
    seen.push(obj);
    try {
      walkObject(obj, depth);
    } finally {
      seen.pop();
    }
  };

  const walkObject = (obj: object, depth: number): void => {
    if (Buffer.isBuffer(obj)) return push(`"[Buffer ${obj.length} bytes]"`);
    if (ArrayBuffer.isView(obj)) return push(`"[${obj.constructor.name} ${obj.byteLength} bytes]"`);
    if (obj instanceof Date) return push(Number.isNaN(obj.getTime()) ? 'null' : `"${obj.toISOString()}"`);
    if (obj instanceof Error) {
      return walk({ name: obj.name, message: obj.message, stack: obj.stack }, depth + 1);
    }
    if (obj instanceof Map) return walkList(Array.from(obj.entries()), depth);
    if (obj instanceof Set) return walkList(Array.from(obj.values()), depth);
    if (Array.isArray(obj)) return walkList(obj, depth);
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      let replaced: unknown;
      try {
        replaced = toJSON.call(obj);
      } catch (e) {
        return push(JSON.stringify(`[toJSON threw: ${describe(e)}]`));
      }
      if (replaced !== obj) return walk(replaced, depth + 1);
    }
    push('{');
    let n = 0;
    for (const key of Object.keys(obj)) {
      let item: unknown;
      try {
        item = (obj as Record<string, unknown>)[key];
      } catch (e) {
        item = `[Unreadable: ${describe(e)}]`;
      }
      if (item === undefined || typeof item === 'function') continue;
      if (n > 0) push(',');
      if (++n > MAX_ITEMS) {
        push('"…":"[more keys]"');
        break;
      }
      push(JSON.stringify(key));
      push(':');
      walk(item, depth + 1);
    }
    push('}');
  };

  const walkList = (list: readonly unknown[], depth: number): void => {
    push('[');
    const n = Math.min(list.length, MAX_ITEMS);
    for (let i = 0; i < n; i++) {
      if (i > 0) push(',');
      let item: unknown;
      try {
        item = list[i];
      } catch (e) {
        item = `[Unreadable: ${describe(e)}]`;
      }
      walk(item, depth + 1);
    }
    if (list.length > n) push(`,"[${list.length - n} more items]"`);
    push(']');
  };

  try {
    walk(value, 0);
    return parts.join('');
  } catch (e) {
    // A Proxy whose traps throw can fail anywhere in the walk, not only in property reads.
    if (!(e instanceof Budget)) return JSON.stringify(`[Unserializable: ${describe(e)}]`);
    return parts.join('').slice(0, limit) + truncationMarker(limit);
  }
}

function describe(e: unknown): string {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return 'unknown error';
  }
}
