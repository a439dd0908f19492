import { jsonTooDeep } from './limits.js';
import * as A from './semconv.js';
import type { AttributeValue, Attributes, SpanLike } from './types.js';

type Obj = Record<string, unknown>;

function parse(v: AttributeValue | undefined): unknown {
  if (typeof v !== 'string') return v ?? null;
  const c = v.charCodeAt(0);
  if ((c === 123 || c === 91) && !jsonTooDeep(v)) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

/** Puts `value` at a dotted path (`tool_calls.0.name`) in `target`, numbers making arrays. */
function setPath(target: Obj, path: string[], value: unknown): void {
  let cur: Obj = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    const nextIsIndex = /^\d+$/.test(path[i + 1]);
    if (typeof cur[key] !== 'object' || cur[key] === null) cur[key] = nextIsIndex ? [] : {};
    cur = cur[key] as Obj;
  }
  cur[path[path.length - 1]] = value;
}

/**
 * Messages written one attribute per field with an index (`gen_ai.prompt.0.role`, OpenLLMetry and AgentOps' npm
 * package; `llm.input_messages.0.message.role`, OpenInference): rebuilt as an array of message objects.
 */
function indexedMessages(a: Attributes, prefix: string, strip?: string): unknown[] | undefined {
  let found: Obj[] | undefined;
  for (const key in a) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length).split('.');
    const index = Number(rest[0]);
    if (!Number.isInteger(index) || index < 0 || index > 10_000 || rest.length < 2) continue;
    let path = rest.slice(1);
    if (strip && path[0] === strip) path = path.slice(1);
    if (path.length === 0) continue;
    found ??= [];
    const msg = (found[index] ??= {});
    setPath(msg, path, parse(a[key]));
  }
  return found?.filter(Boolean);
}

const PROMPT_EVENTS = new Set(['gen_ai.system.message', 'gen_ai.user.message', 'gen_ai.assistant.message', 'gen_ai.tool.message']);

/** The older GenAI span events: one per message (`gen_ai.user.message`...), one per choice (`gen_ai.choice`). */
function eventMessages(events: SpanLike['events']): { prompt?: unknown[]; completion?: unknown[] } {
  if (!events?.length) return {};
  let prompt: unknown[] | undefined;
  let completion: unknown[] | undefined;
  for (const e of events) {
    const at = e.attributes ?? {};
    if (PROMPT_EVENTS.has(e.name)) {
      const role = String(at.role ?? e.name.slice('gen_ai.'.length, -'.message'.length));
      (prompt ??= []).push({ role, content: parse(at.content) });
    } else if (e.name === 'gen_ai.choice') {
      const message = parse(at.message);
      (completion ??= []).push(
        typeof message === 'object' && message !== null
          ? { ...(message as Obj), finish_reason: at.finish_reason ?? (message as Obj).finish_reason }
          : { role: 'assistant', content: message, finish_reason: at.finish_reason },
      );
    }
  }
  return { prompt, completion };
}

/**
 * The prompt and completion of an LLM span in whichever GenAI content convention its instrumentation wrote:
 * ours (`agentops.llm.*`), the current semantic conventions (`gen_ai.input.messages` / `output.messages`), the
 * older JSON (`gen_ai.prompt` / `completion`), the indexed attributes (`gen_ai.prompt.N.*`), OpenInference
 * (`llm.input_messages.N.message.*`, else `input.value`), and the older span events (`gen_ai.user.message`,
 * `gen_ai.choice`). Null where there is none (content capture off).
 */
export function llmContent(a: Attributes, events?: SpanLike['events']): { prompt: unknown; completion: unknown } {
  const direct = (keys: string[]) => {
    for (const k of keys) if (a[k] !== undefined && a[k] !== null) return parse(a[k]);
    return undefined;
  };
  let prompt: unknown = direct([A.ATTR_LLM_PROMPT, A.GEN_AI_INPUT_MESSAGES, A.GEN_AI_PROMPT]);
  let completion: unknown = direct([A.ATTR_LLM_COMPLETION, A.GEN_AI_OUTPUT_MESSAGES, A.GEN_AI_COMPLETION]);
  if (prompt === undefined) prompt = indexedMessages(a, 'gen_ai.prompt.') ?? indexedMessages(a, 'llm.input_messages.', 'message');
  if (completion === undefined) completion = indexedMessages(a, 'gen_ai.completion.') ?? indexedMessages(a, 'llm.output_messages.', 'message');
  if (prompt === undefined || completion === undefined) {
    const fromEvents = eventMessages(events);
    prompt ??= fromEvents.prompt;
    completion ??= fromEvents.completion;
  }
  prompt ??= direct([A.INPUT_VALUE]);
  completion ??= direct([A.OUTPUT_VALUE]);
  return { prompt: prompt ?? null, completion: completion ?? null };
}
