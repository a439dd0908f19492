import { trace, type Attributes, type Context, type Span as ApiSpan } from '@opentelemetry/api';
import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_AGENT_ID,
  ATTR_LLM_FRAMEWORK,
  ATTR_LLM_FRAMEWORK_NAME,
  ATTR_LLM_FRAMEWORK_TAGS,
  ATTR_LLM_NESTED,
  ATTR_PARENT_SPAN_ID,
  ATTR_SESSION_ID,
  GEN_AI_REQUEST_MODEL,
  isLlmSpan,
  llmLayerOf,
  sameCallEvent,
} from '@agentops/model';

/** Scopes of self-tracing clients whose calls our instrumentations already record (see instrumentation-utils). */
const DUPLICATE_SCOPES = Symbol.for('agentops.duplicateScopes');
/** Framework calls open at once in the process at most; past it the oldest is forgotten (it stays an event). */
const MAX_OPEN_FRAMEWORK_CALLS = 10_000;

/** What a nested span of the same layer may give the kept one: call data, never its layer or identity. */
const MERGED_PREFIXES = ['gen_ai.', 'llm.', 'agentops.llm.'];
const NOT_MERGED = new Set<string>([ATTR_LLM_NESTED, 'agentops.llm.layer', ATTR_PARENT_SPAN_ID]);

type LiveSpan = Span & { ended?: boolean; parentSpanContext?: { spanId: string }; parentSpanId?: string };

/**
 * Decides, as each LLM span starts, which span of a model call is its one event when several layers trace it.
 * Two ways a call is seen twice: an LLM span starts inside another one's context (a client that traces itself,
 * two instrumentations stacked, an AI SDK span around a client span), or a framework that runs its model call
 * outside its span's context (LangChain's callbacks, the Agents SDK's trace processor) while the client
 * library below it is traced too: then the client span that starts, in the same session, while the framework's
 * call is open (and for the same model) is that call. {@link sameCallEvent} says which one is kept; the other
 * is marked nested, so it is neither an event nor counted, and the kept one takes its agent, framework name,
 * tags and place in the tree.
 */
export class SameCallResolver {
  /** Framework LLM spans not yet ended nor claimed by a client span, oldest first. */
  private readonly open = new Set<LiveSpan>();
  /** For a span marked nested: the span that is its call's event. */
  private readonly keptFor = new WeakMap<object, LiveSpan>();

  onLlmStart(span: Span, parentContext: Context): void {
    const attrs = span.attributes;
    if ((globalThis as { [DUPLICATE_SCOPES]?: Set<string> })[DUPLICATE_SCOPES]?.has(span.instrumentationScope?.name)) {
      span.setAttribute(ATTR_LLM_NESTED, true);
      return;
    }
    const parent = trace.getSpan(parentContext) as (ApiSpan & { attributes?: Attributes; ended?: boolean }) | undefined;
    if (parent?.attributes && parent.ended !== true && parent.attributes[ATTR_LLM_NESTED] !== true && isLlmSpan(parent.attributes)) {
      if (sameCallEvent(parent.attributes, attrs) === 'outer') {
        span.setAttribute(ATTR_LLM_NESTED, true);
        this.keptFor.set(span, parent as unknown as LiveSpan);
      } else this.cover(parent as unknown as LiveSpan, span);
      return;
    }
    const layer = llmLayerOf(attrs);
    if (layer === 'client') {
      const framework = this.claim(attrs);
      if (framework) this.cover(framework, span);
      return;
    }
    if (this.open.size >= MAX_OPEN_FRAMEWORK_CALLS) this.open.delete(this.open.values().next().value as LiveSpan);
    this.open.add(span as LiveSpan);
  }

  onEnd(span: ReadableSpan): void {
    if (this.open.size > 0) this.open.delete(span as LiveSpan);
    const kept = span.attributes[ATTR_LLM_NESTED] === true ? this.keptFor.get(span) : undefined;
    if (kept && kept.ended !== true) {
      // The inner span of one layer often holds what the outer one lacks (usage, the response model).
      const k = kept.attributes;
      for (const key in span.attributes) {
        if (k[key] === undefined && MERGED_PREFIXES.some((p) => key.startsWith(p)) && !NOT_MERGED.has(key)) kept.setAttribute(key, span.attributes[key]!);
      }
    }
  }

  /** The newest open framework call of the client span's session whose model agrees with it. */
  private claim(attrs: Attributes): LiveSpan | undefined {
    if (this.open.size === 0) return undefined;
    const session = attrs[ATTR_SESSION_ID];
    const model = attrs[GEN_AI_REQUEST_MODEL];
    let found: LiveSpan | undefined;
    for (const f of this.open) {
      if (f.ended === true) {
        this.open.delete(f);
        continue;
      }
      if (f.attributes[ATTR_SESSION_ID] !== session) continue;
      const fm = f.attributes[GEN_AI_REQUEST_MODEL];
      if (model !== undefined && fm !== undefined && !sameModel(String(fm), String(model))) continue;
      found = f;
    }
    if (found) this.open.delete(found);
    return found;
  }

  /** `kept` is the event of the call that `dropped` also describes. */
  private cover(dropped: LiveSpan, kept: Span): void {
    this.open.delete(dropped);
    this.keptFor.set(dropped, kept as LiveSpan);
    dropped.setAttribute(ATTR_LLM_NESTED, true);
    const d = dropped.attributes;
    const k = kept.attributes;
    const parentId = dropped.parentSpanContext?.spanId ?? dropped.parentSpanId;
    if (parentId) kept.setAttribute(ATTR_PARENT_SPAN_ID, parentId);
    for (const key of [ATTR_AGENT_ID, ATTR_LLM_FRAMEWORK, ATTR_LLM_FRAMEWORK_NAME, ATTR_LLM_FRAMEWORK_TAGS]) {
      const v = d[key];
      if (v !== undefined && k[key] === undefined) kept.setAttribute(key, v);
    }
  }
}

/** A framework's model name against the one the client sent (`gpt-4o` / `openai/gpt-4o`, case aside). */
function sameModel(a: string, b: string): boolean {
  if (a === b) return true;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || x.endsWith('/' + y) || y.endsWith('/' + x);
}
