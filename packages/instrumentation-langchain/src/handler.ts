import { context as apiContext, SpanKind, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import * as A from '@agentops/model';
import { contentJson, InstrumentationSettings, recordFailure } from '@agentops/instrumentation-utils';

declare const __PACKAGE_VERSION__: string;
export const PACKAGE_NAME = '@agentops/instrumentation-langchain';
export const PACKAGE_VERSION = typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0-dev';

/** The handler's name in LangChain's callback managers (one per manager: never added twice). */
export const HANDLER_NAME = 'agentops';

type Obj = Record<string, unknown>;
/** LangChain's serialized description of a runnable (`{ id: ['langchain', 'chat_models', 'openai', 'ChatOpenAI'], ... }`). */
interface Serialized {
  id?: string[];
  name?: string;
  kwargs?: Obj;
}

/** Options of {@link AgentOpsCallbackHandler}. */
export interface AgentOpsCallbackHandlerOptions {
  /** Where the spans go. Default: the global tracer provider (AgentOps' once `init()` ran). */
  tracer?: Tracer;
  /** Record inputs, outputs, prompts and completions. Default: the AgentOps configuration, else `AGENTOPS_CAPTURE_CONTENT`. */
  captureContent?: boolean;
}

interface Run {
  span: Span;
  context: Context;
  kind: 'llm' | 'tool' | 'action' | 'agent';
  firstTokenMs?: number;
  startMs: number;
}

/** Runs open at once at most; past it the oldest is ended as incomplete, so a leak never grows memory. */
const MAX_OPEN_RUNS = 10_000;

/** `ls_provider` values of LangChain's chat models → GenAI provider names. */
const PROVIDERS: Record<string, string> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  azure_openai: 'azure.ai.openai',
  anthropic: 'anthropic',
  google_genai: 'gcp.gemini',
  google_vertexai: 'gcp.vertex_ai',
  bedrock: 'aws.bedrock',
  amazon_bedrock: 'aws.bedrock',
  mistralai: 'mistral_ai',
  groq: 'groq',
  deepseek: 'deepseek',
  xai: 'x_ai',
  cohere: 'cohere',
  ollama: 'ollama',
  together: 'together',
  fireworks: 'fireworks',
};

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const nameOf = (s: Serialized | undefined) => s?.name ?? s?.id?.[s.id.length - 1];

/** A LangChain message (an instance, or its serialized `{ lc, id, kwargs }` form) as a GenAI-style message. */
function messageOf(m: unknown): Obj {
  const msg = (m && typeof m === 'object' ? m : {}) as Obj;
  const fields = (msg.lc === 1 && msg.kwargs && typeof msg.kwargs === 'object' ? msg.kwargs : msg) as Obj;
  let role = str((msg as { _getType?: () => string })._getType?.()) ?? str(fields.role) ?? str((msg.id as string[] | undefined)?.at(-1));
  if (role === 'human' || role === 'HumanMessage') role = 'user';
  else if (role === 'ai' || role === 'AIMessage' || role === 'AIMessageChunk') role = 'assistant';
  else if (role === 'SystemMessage') role = 'system';
  else if (role === 'ToolMessage') role = 'tool';
  const out: Obj = { role: role ?? 'user', content: fields.content };
  if (Array.isArray(fields.tool_calls) && fields.tool_calls.length) out.tool_calls = fields.tool_calls;
  if (fields.tool_call_id) out.tool_call_id = fields.tool_call_id;
  return out;
}

/**
 * A LangChain callback handler that records runs as OpenTelemetry spans AgentOps understands: chains and graph
 * nodes as actions, graphs and agents as agents, tools and retrievers as tool events, chat-model and LLM runs as
 * LLM calls (a framework's view of the call: when the client library below is traced too, such as `openai` under
 * `@langchain/openai`, that client's span is the call's one event and takes this run's name, tags and place).
 * Runs nest as their LangChain runs do. Never throws into LangChain; the handler is awaited, so the spans of a
 * run exist before the model is called.
 *
 * ```ts
 * await chain.invoke(input, { callbacks: [new AgentOpsCallbackHandler()] });
 * ```
 * With `@agentops/otel` (`init()` or the preload) it is added to every run automatically.
 */
export class AgentOpsCallbackHandler {
  readonly name = HANDLER_NAME;
  readonly lc_serializable = false;
  readonly ignoreLLM = false;
  readonly ignoreChain = false;
  readonly ignoreAgent = false;
  readonly ignoreRetriever = false;
  readonly ignoreCustomEvent = true;
  readonly raiseError = false;
  /** LangChain runs handlers in the background unless they ask to be awaited: the run's span must exist first. */
  readonly awaitHandlers = true;
  private readonly runs = new Map<string, Run>();
  private readonly settings = new InstrumentationSettings();
  private readonly explicitTracer: Tracer | undefined;

  constructor(options: AgentOpsCallbackHandlerOptions = {}) {
    this.explicitTracer = options.tracer;
    this.settings.configure({ captureContent: options.captureContent });
  }

  private get tracer(): Tracer {
    return this.explicitTracer ?? trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION);
  }

  /** Callback managers copy their handlers; this one keeps its open runs, so it is shared. */
  copy(): this {
    return this;
  }

  private get capture(): boolean {
    return this.settings.get().captureContent;
  }

  private json(value: unknown): string | undefined {
    return this.capture ? contentJson(value, this.settings.get().maxFieldSize) : undefined;
  }

  private start(runId: string, parentRunId: string | undefined, name: string, kind: Run['kind'], attributes: Attributes, spanKind = SpanKind.INTERNAL): void {
    try {
      const parent = (parentRunId && this.runs.get(parentRunId)?.context) || apiContext.active();
      attributes[A.ATTR_SPAN_KIND] = kind;
      const span = this.tracer.startSpan(name, { kind: spanKind, attributes }, parent);
      if (this.runs.size >= MAX_OPEN_RUNS) {
        const [oldest, run] = this.runs.entries().next().value as [string, Run];
        run.span.setAttribute('agentops.langchain.incomplete', true);
        run.span.end();
        this.runs.delete(oldest);
      }
      this.runs.set(runId, { span, context: trace.setSpan(parent, span), kind, startMs: performance.now() });
    } catch {
      // never into LangChain
    }
  }

  private end(runId: string, attributes: Attributes = {}): void {
    const run = this.runs.get(runId);
    if (!run) return;
    this.runs.delete(runId);
    try {
      run.span.setAttributes(attributes);
      run.span.end();
    } catch {
      // never into LangChain
    }
  }

  private fail(runId: string, error: unknown): void {
    const run = this.runs.get(runId);
    if (!run) return;
    try {
      recordFailure(this.tracer, run.span, run.context, error, run.kind === 'llm' ? 'llms' : run.kind === 'tool' ? 'tools' : 'actions');
    } catch {
      // never into LangChain
    }
    this.end(runId, {});
  }

  handleChainStart(chain: Serialized, inputs: unknown, runId: string, parentRunId?: string, tags?: string[], metadata?: Obj, runType?: string, runName?: string): void {
    const name = runName ?? nameOf(chain) ?? 'chain';
    // A compiled LangGraph graph (and LangChain's AgentExecutor) is an agent; its nodes and other runnables are steps.
    const graph = metadata?.langgraph_node === undefined && (chain?.id?.some((p) => p === 'langgraph' || p === 'pregel') || name === 'LangGraph' || name === 'AgentExecutor');
    const attrs: Attributes = graph
      ? { [A.ATTR_AGENT_NAME]: name }
      : { 'agentops.action.action_type': name, ...(this.capture ? { 'agentops.action.params': this.json(inputs) } : {}) };
    if (tags?.length) attrs['agentops.langchain.tags'] = tags;
    if (typeof metadata?.langgraph_node === 'string') attrs['agentops.langchain.node'] = metadata.langgraph_node;
    if (runType) attrs['agentops.langchain.run_type'] = runType;
    this.start(runId, parentRunId, name, graph ? 'agent' : 'action', attrs);
  }

  handleChainEnd(outputs: unknown, runId: string): void {
    const run = this.runs.get(runId);
    this.end(runId, run?.kind === 'action' && this.capture ? { 'agentops.action.returns': this.json(outputs) } : {});
  }

  handleChainError(err: unknown, runId: string): void {
    this.fail(runId, err);
  }

  handleChatModelStart(llm: Serialized, messages: unknown[][], runId: string, parentRunId?: string, extraParams?: Obj, tags?: string[], metadata?: Obj, runName?: string): void {
    this.llmStart('chat', llm, this.capture ? (messages?.[0] ?? []).map(messageOf) : undefined, runId, parentRunId, extraParams, tags, metadata, runName);
  }

  handleLLMStart(llm: Serialized, prompts: string[], runId: string, parentRunId?: string, extraParams?: Obj, tags?: string[], metadata?: Obj, runName?: string): void {
    this.llmStart('text_completion', llm, this.capture ? prompts?.map((content) => ({ role: 'user', content })) : undefined, runId, parentRunId, extraParams, tags, metadata, runName);
  }

  private llmStart(operation: string, llm: Serialized, input: Obj[] | undefined, runId: string, parentRunId?: string, extraParams?: Obj, tags?: string[], metadata?: Obj, runName?: string): void {
    const invocation = (extraParams?.invocation_params ?? {}) as Obj;
    const model = str(metadata?.ls_model_name) ?? str(invocation.model) ?? str(invocation.model_name) ?? str(invocation.modelName);
    const lsProvider = str(metadata?.ls_provider);
    const attrs: Attributes = {
      [A.ATTR_LLM_LAYER]: 'framework',
      [A.ATTR_LLM_FRAMEWORK]: 'langchain',
      [A.ATTR_LLM_FRAMEWORK_NAME]: runName ?? nameOf(llm) ?? 'llm',
      [A.GEN_AI_OPERATION_NAME]: operation,
    };
    if (tags?.length) attrs[A.ATTR_LLM_FRAMEWORK_TAGS] = tags;
    if (lsProvider) attrs[A.GEN_AI_PROVIDER_NAME] = PROVIDERS[lsProvider] ?? lsProvider;
    if (model) attrs[A.GEN_AI_REQUEST_MODEL] = model;
    const temperature = num(metadata?.ls_temperature) ?? num(invocation.temperature);
    if (temperature !== undefined) attrs[A.GEN_AI_REQUEST_TEMPERATURE] = temperature;
    const maxTokens = num(metadata?.ls_max_tokens) ?? num(invocation.max_tokens) ?? num(invocation.max_completion_tokens);
    if (maxTokens !== undefined) attrs[A.GEN_AI_REQUEST_MAX_TOKENS] = maxTokens;
    if (input) {
      const text = this.json(input);
      if (text !== undefined) attrs[A.GEN_AI_INPUT_MESSAGES] = text;
    }
    this.start(runId, parentRunId, model ? `${operation} ${model}` : operation, 'llm', attrs, SpanKind.CLIENT);
  }

  handleLLMNewToken(_token: string, _idx: unknown, runId: string): void {
    const run = this.runs.get(runId);
    if (run && run.firstTokenMs === undefined) run.firstTokenMs = performance.now();
  }

  handleLLMEnd(output: { generations?: Array<Array<{ text?: string; message?: unknown; generationInfo?: Obj }>>; llmOutput?: Obj }, runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    const attrs: Attributes = {};
    try {
      const gen = output?.generations?.[0]?.[0];
      const message = (gen?.message ?? {}) as Obj;
      const usage = (message.usage_metadata ?? {}) as Obj;
      const meta = (message.response_metadata ?? {}) as Obj;
      const tokenUsage = (output?.llmOutput?.tokenUsage ?? output?.llmOutput?.estimatedTokenUsage ?? {}) as Obj;
      // usage_metadata counts cache reads and writes inside input_tokens (LangChain's standard, as GenAI's), but
      // @langchain/anthropic before 1.0 copied Anthropic's own input_tokens, which leaves them out.
      const inDetails = (usage.input_token_details ?? {}) as Obj;
      const outDetails = (usage.output_token_details ?? {}) as Obj;
      let input = num(usage.input_tokens) ?? num(tokenUsage.promptTokens);
      const raw = (meta.usage ?? {}) as Obj;
      const cached = (num(inDetails.cache_read) ?? 0) + (num(inDetails.cache_creation) ?? 0);
      if (input !== undefined && cached > 0 && typeof raw.cache_read_input_tokens === 'number' && raw.input_tokens === input) input += cached;
      const outputTokens = num(usage.output_tokens) ?? num(tokenUsage.completionTokens);
      if (input !== undefined) attrs[A.GEN_AI_USAGE_INPUT_TOKENS] = input;
      if (outputTokens !== undefined) attrs[A.GEN_AI_USAGE_OUTPUT_TOKENS] = outputTokens;
      if (num(inDetails.cache_read) !== undefined) attrs[A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = num(inDetails.cache_read)!;
      if (num(inDetails.cache_creation) !== undefined) attrs[A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = num(inDetails.cache_creation)!;
      if (num(outDetails.reasoning) !== undefined) attrs[A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = num(outDetails.reasoning)!;
      const model = str(meta.model_name) ?? str(meta.model);
      if (model) attrs[A.GEN_AI_RESPONSE_MODEL] = model;
      const id = str(meta.id) ?? str(message.id);
      if (id) attrs[A.GEN_AI_RESPONSE_ID] = id;
      const finish = str(meta.finish_reason) ?? str(meta.stop_reason) ?? str(gen?.generationInfo?.finish_reason);
      if (finish) attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = [finish];
      if (this.capture && gen) {
        const text = this.json([{ ...messageOf(gen.message ?? { role: 'assistant', content: gen.text }), role: 'assistant', ...(finish ? { finish_reason: finish } : {}) }]);
        if (text !== undefined) attrs[A.GEN_AI_OUTPUT_MESSAGES] = text;
      }
      if (run.firstTokenMs !== undefined) attrs[A.ATTR_LLM_TIME_TO_FIRST_TOKEN] = Math.round((run.firstTokenMs - run.startMs) * 1000) / 1000;
    } catch {
      // a result of an unexpected shape: the call is still recorded
    }
    this.end(runId, attrs);
  }

  handleLLMError(err: unknown, runId: string): void {
    this.fail(runId, err);
  }

  handleToolStart(tool: Serialized, input: string, runId: string, parentRunId?: string, tags?: string[], metadata?: Obj, runName?: string): void {
    const name = runName ?? nameOf(tool) ?? 'tool';
    const attrs: Attributes = { 'agentops.tool.name': name };
    if (this.capture) attrs['agentops.tool.params'] = this.json(A.parseJsonAttr(input));
    if (tags?.length) attrs['agentops.langchain.tags'] = tags;
    this.start(runId, parentRunId, name, 'tool', attrs);
  }

  handleToolEnd(output: unknown, runId: string): void {
    // A tool returns a ToolMessage (1.x) or its content.
    const content = output && typeof output === 'object' && 'content' in output ? (output as Obj).content : output;
    this.end(runId, this.capture ? { 'agentops.tool.returns': this.json(typeof content === 'string' ? A.parseJsonAttr(content) : content) } : {});
  }

  handleToolError(err: unknown, runId: string): void {
    this.fail(runId, err);
  }

  handleRetrieverStart(retriever: Serialized, query: string, runId: string, parentRunId?: string, tags?: string[], _metadata?: Obj, name?: string): void {
    const attrs: Attributes = { 'agentops.tool.name': name ?? nameOf(retriever) ?? 'retriever', 'agentops.langchain.run_type': 'retriever' };
    if (this.capture) attrs['agentops.tool.params'] = this.json({ query });
    if (tags?.length) attrs['agentops.langchain.tags'] = tags;
    this.start(runId, parentRunId, String(attrs['agentops.tool.name']), 'tool', attrs);
  }

  handleRetrieverEnd(documents: unknown, runId: string): void {
    this.end(runId, this.capture ? { 'agentops.tool.returns': this.json(documents) } : {});
  }

  handleRetrieverError(err: unknown, runId: string): void {
    this.fail(runId, err);
  }
}
