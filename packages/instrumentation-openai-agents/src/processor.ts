import { context as apiContext, SpanKind, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import * as A from '@agentops/model';
import { contentJson, InstrumentationSettings, recordFailure } from '@agentops/instrumentation-utils';

declare const __PACKAGE_VERSION__: string;
export const PACKAGE_NAME = '@agentops/instrumentation-openai-agents';
export const PACKAGE_VERSION = typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0-dev';

type Obj = Record<string, unknown>;

/** What the Agents SDK hands a trace processor (its `Trace` and `Span`, read duck-typed: 0.x changes them). */
interface AgentsTrace {
  traceId: string;
  name?: string;
  groupId?: string | null;
  metadata?: Obj;
}
interface AgentsSpan {
  traceId: string;
  spanId: string;
  parentId: string | null;
  spanData: Obj & { type: string };
  startedAt?: string | null;
  endedAt?: string | null;
  error?: { message: string; data?: Obj } | null;
}

/** Options of {@link AgentOpsTracingProcessor}. */
export interface AgentOpsTracingProcessorOptions {
  /** Where the spans go. Default: the global tracer provider (AgentOps' once `init()` ran). */
  tracer?: Tracer;
  /** Record inputs and outputs of agents, tools and model calls. Default: the AgentOps configuration. */
  captureContent?: boolean;
}

interface Open {
  span: Span;
  context: Context;
  kind: A.AgentOpsSpanKind;
}

/** Spans and traces open at once at most; past it the oldest is ended, so a leak never grows memory. */
const MAX_OPEN = 10_000;

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const timeOf = (iso: string | null | undefined) => (iso ? new Date(iso) : undefined);

/**
 * An OpenAI Agents SDK `TracingProcessor` that records its traces as OpenTelemetry spans AgentOps understands:
 * agent spans as AgentOps agents (their events carry the agent's id), function spans as tool events, handoff,
 * guardrail and custom spans as actions, generation and response spans as the model call (a framework's view
 * of it: the `openai` client span beneath, when traced, is the call's one event and takes this one's agent and
 * place). Task and turn spans only carry sums of their calls' usage: they are never events, and their children
 * nest in their parent. A span's error becomes an error event tied to it. Never throws into the SDK.
 *
 * ```ts
 * import { addTraceProcessor } from '@openai/agents';
 * addTraceProcessor(new AgentOpsTracingProcessor());
 * ```
 * With `@agentops/otel` (`init()` or the preload) it is added beside the app's processors automatically.
 */
export class AgentOpsTracingProcessor {
  private readonly open = new Map<string, Open>();
  /** Spans not recorded (task, turn): their parent, so their children nest in it. */
  private readonly skipped = new Map<string, string | null>();
  private readonly settings = new InstrumentationSettings();
  private readonly explicitTracer: Tracer | undefined;

  constructor(options: AgentOpsTracingProcessorOptions = {}) {
    this.explicitTracer = options.tracer;
    this.settings.configure({ captureContent: options.captureContent });
  }

  private get tracer(): Tracer {
    return this.explicitTracer ?? trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION);
  }

  private json(value: unknown): string | undefined {
    const s = this.settings.get();
    return s.captureContent ? contentJson(value, s.maxFieldSize) : undefined;
  }

  start(): void {}

  async onTraceStart(t: AgentsTrace): Promise<void> {
    try {
      const attrs: Attributes = { [A.ATTR_SPAN_KIND]: 'action', 'agentops.action.action_type': t.name ?? 'Agent workflow' };
      if (t.groupId) attrs['agentops.openai_agents.group_id'] = t.groupId;
      if (t.metadata && Object.keys(t.metadata).length) attrs['agentops.action.params'] = this.json({ metadata: t.metadata });
      this.begin(`trace:${t.traceId}`, t.name ?? 'Agent workflow', 'action', attrs, apiContext.active());
    } catch {
      // never into the Agents SDK
    }
  }

  async onTraceEnd(t: AgentsTrace): Promise<void> {
    this.finish(`trace:${t.traceId}`, {});
  }

  async onSpanStart(s: AgentsSpan): Promise<void> {
    try {
      const d = s.spanData;
      const parent = this.parentContext(s);
      const startTime = timeOf(s.startedAt);
      switch (d.type) {
        case 'task':
        case 'turn':
          this.skipped.set(s.spanId, s.parentId);
          if (this.skipped.size > MAX_OPEN) this.skipped.delete(this.skipped.keys().next().value as string);
          return;
        case 'agent': {
          const name = str(d.name) ?? 'agent';
          this.begin(s.spanId, name, 'agent', { [A.ATTR_SPAN_KIND]: 'agent', [A.ATTR_AGENT_NAME]: name }, parent, SpanKind.INTERNAL, startTime);
          return;
        }
        case 'function': {
          const name = str(d.name) ?? 'tool';
          this.begin(s.spanId, name, 'tool', { [A.ATTR_SPAN_KIND]: 'tool', 'agentops.tool.name': name }, parent, SpanKind.INTERNAL, startTime);
          return;
        }
        case 'generation':
        case 'response': {
          const model = str(d.model);
          const attrs: Attributes = {
            [A.ATTR_SPAN_KIND]: 'llm',
            [A.ATTR_LLM_LAYER]: 'framework',
            [A.ATTR_LLM_FRAMEWORK]: 'openai-agents',
            [A.ATTR_LLM_FRAMEWORK_NAME]: d.type,
            [A.GEN_AI_OPERATION_NAME]: d.type === 'response' ? 'responses' : 'chat',
            [A.GEN_AI_PROVIDER_NAME]: 'openai',
          };
          if (model) attrs[A.GEN_AI_REQUEST_MODEL] = model;
          this.begin(s.spanId, model ? `${d.type} ${model}` : d.type, 'llm', attrs, parent, SpanKind.CLIENT, startTime);
          return;
        }
        case 'handoff':
        case 'guardrail':
        case 'custom':
        case 'mcp_tools': {
          const name = d.type === 'handoff' ? 'handoff' : `${d.type}${str(d.name) ? ` ${str(d.name)}` : ''}`;
          this.begin(s.spanId, name, 'action', { [A.ATTR_SPAN_KIND]: 'action', 'agentops.action.action_type': name }, parent, SpanKind.INTERNAL, startTime);
          return;
        }
        default:
          // speech, transcription...: passed over, their children nest in their parent
          this.skipped.set(s.spanId, s.parentId);
      }
    } catch {
      // never into the Agents SDK
    }
  }

  async onSpanEnd(s: AgentsSpan): Promise<void> {
    if (this.skipped.delete(s.spanId)) return;
    const run = this.open.get(s.spanId);
    if (!run) return;
    let attrs: Attributes = {};
    try {
      attrs = this.endAttributes(s, run.kind);
    } catch {
      // a span of an unexpected shape is still ended
    }
    const error = s.error;
    const guardrailTripped = s.spanData.type === 'guardrail' && s.spanData.triggered === true;
    if (error || guardrailTripped) {
      try {
        // The SDK gives a span's error as a message and data, not the error object.
        const details = error?.data && Object.keys(error.data).length ? ` ${JSON.stringify(error.data)}` : '';
        const err = Object.assign(new Error(error ? `${error.message}${details}` : `guardrail ${String(s.spanData.name)} tripped`), {
          name: guardrailTripped && !error ? 'GuardrailTripwireTriggered' : 'AgentsSpanError',
        });
        recordFailure(this.tracer, run.span, run.context, err, run.kind === 'llm' ? 'llms' : run.kind === 'tool' ? 'tools' : 'actions');
      } catch {
        // never into the Agents SDK
      }
    }
    this.finish(s.spanId, attrs, timeOf(s.endedAt));
  }

  private endAttributes(s: AgentsSpan, kind: A.AgentOpsSpanKind): Attributes {
    const d = s.spanData;
    const attrs: Attributes = {};
    if (kind === 'tool') {
      const input = this.json(typeof d.input === 'string' ? A.parseJsonAttr(d.input) : d.input);
      const output = this.json(typeof d.output === 'string' ? A.parseJsonAttr(d.output) : d.output);
      if (input !== undefined) attrs['agentops.tool.params'] = input;
      if (output !== undefined) attrs['agentops.tool.returns'] = output;
    } else if (kind === 'agent') {
      if (Array.isArray(d.tools)) attrs['agentops.openai_agents.tools'] = (d.tools as unknown[]).map(String);
      if (Array.isArray(d.handoffs)) attrs['agentops.openai_agents.handoffs'] = (d.handoffs as unknown[]).map(String);
    } else if (kind === 'action') {
      const params = d.type === 'handoff' ? { from_agent: d.from_agent, to_agent: d.to_agent } : d.type === 'custom' ? d.data : undefined;
      if (params !== undefined) attrs['agentops.action.params'] = this.json(params) ?? '';
      if (d.type === 'guardrail') attrs['agentops.action.returns'] = JSON.stringify({ triggered: d.triggered === true });
    } else if (kind === 'llm') Object.assign(attrs, this.llmAttributes(d));
    return attrs;
  }

  /** A generation (chat completions) or response (Responses API) span's model, usage and content. */
  private llmAttributes(d: Obj): Attributes {
    const attrs: Attributes = {};
    const response = (d._response ?? (Array.isArray(d.output) && d.type === 'generation' ? d.output[0] : undefined)) as Obj | undefined;
    const usage = (response?.usage ?? d.usage) as Obj | undefined;
    const model = str(response?.model) ?? str(d.model);
    if (model) attrs[A.GEN_AI_RESPONSE_MODEL] = model;
    const id = str(d.response_id) ?? str(response?.id);
    if (id) attrs[A.GEN_AI_RESPONSE_ID] = id;
    if (usage) {
      const input = num(usage.input_tokens) ?? num(usage.prompt_tokens);
      const output = num(usage.output_tokens) ?? num(usage.completion_tokens);
      const inDetails = (usage.input_tokens_details ?? usage.prompt_tokens_details ?? {}) as Obj;
      const outDetails = (usage.output_tokens_details ?? usage.completion_tokens_details ?? {}) as Obj;
      if (input !== undefined) attrs[A.GEN_AI_USAGE_INPUT_TOKENS] = input;
      if (output !== undefined) attrs[A.GEN_AI_USAGE_OUTPUT_TOKENS] = output;
      if (num(inDetails.cached_tokens) !== undefined) attrs[A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = num(inDetails.cached_tokens)!;
      if (num(outDetails.reasoning_tokens) !== undefined) attrs[A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = num(outDetails.reasoning_tokens)!;
    }
    const input = this.json(d._input ?? d.input);
    if (input !== undefined) attrs[A.GEN_AI_INPUT_MESSAGES] = input;
    const output = this.json(response?.output ?? d.output);
    if (output !== undefined) attrs[A.GEN_AI_OUTPUT_MESSAGES] = output;
    return attrs;
  }

  /** The context of the nearest recorded ancestor (task and turn spans are skipped), else the trace's. */
  private parentContext(s: AgentsSpan): Context {
    let id = s.parentId;
    for (let hops = 0; id && hops < 64; hops++) {
      const open = this.open.get(id);
      if (open) return open.context;
      if (!this.skipped.has(id)) break;
      id = this.skipped.get(id) ?? null;
    }
    return this.open.get(`trace:${s.traceId}`)?.context ?? apiContext.active();
  }

  private begin(id: string, name: string, kind: A.AgentOpsSpanKind, attributes: Attributes, parent: Context, spanKind = SpanKind.INTERNAL, startTime?: Date): void {
    const span = this.tracer.startSpan(name, { kind: spanKind, attributes, startTime }, parent);
    if (this.open.size >= MAX_OPEN) {
      const [oldest, run] = this.open.entries().next().value as [string, Open];
      run.span.end();
      this.open.delete(oldest);
    }
    this.open.set(id, { span, context: trace.setSpan(parent, span), kind });
  }

  private finish(id: string, attributes: Attributes, endTime?: Date): void {
    const run = this.open.get(id);
    if (!run) return;
    this.open.delete(id);
    try {
      run.span.setAttributes(attributes);
      run.span.end(endTime);
    } catch {
      // never into the Agents SDK
    }
  }

  /** The AgentOps pipeline flushes itself (at session end and exit). */
  async shutdown(): Promise<void> {}

  async forceFlush(): Promise<void> {}
}
