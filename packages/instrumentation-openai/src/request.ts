import * as A from '@agentops/model';
import {
  addChatMessages,
  addNumber,
  baseRequestAttributes,
  type RequestAttributes,
  contentJson,
  MessagesJson,
  parseArguments,
  textParts,
  type GenAiMessage,
  type GenAiSettings,
} from '@agentops/instrumentation-utils';

// Read once: these are on the path of every call, and a bundled module's exports are getters.
const {
  GEN_AI_REQUEST_TEMPERATURE,
  GEN_AI_REQUEST_TOP_P,
  GEN_AI_REQUEST_MAX_TOKENS,
  GEN_AI_INPUT_MESSAGES,
} = A;

type Obj = Record<string, unknown>;

/** The kinds of call this instrumentation knows. */
export type OpenAiCallKind = 'chat' | 'responses' | 'embeddings' | 'completions';

export const OPERATION: Record<OpenAiCallKind, string> = {
  chat: 'chat',
  responses: 'chat',
  embeddings: 'embeddings',
  completions: 'text_completion',
};

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Responses API `input` (a string, or a list of items) in the GenAI message shape. */
export function responsesInputMessages(input: unknown): GenAiMessage[] {
  if (typeof input === 'string') return [{ role: 'user', parts: [{ type: 'text', content: input }] }];
  if (!Array.isArray(input)) return [];
  return (input as Obj[]).map((item) => {
    if (item.type === 'function_call_output') return { role: 'tool', parts: [{ type: 'tool_call_response', id: item.call_id as string, response: item.output }] };
    if (item.type === 'function_call') {
      return { role: 'assistant', parts: [{ type: 'tool_call', id: item.call_id as string, name: String(item.name), arguments: parseArguments(item.arguments) }] };
    }
    return { role: String(item.role ?? 'user'), parts: textParts(item.content) };
  });
}

/** Span name's operation and the request's attributes (SPEC §3): model, parameters, and content if captured. */
export function requestAttributes(kind: OpenAiCallKind, params: Obj, baseURL: unknown, settings: GenAiSettings): RequestAttributes {
  const request = baseRequestAttributes('openai', params.model, baseURL);
  const attrs = request.rest;
  addNumber(attrs, GEN_AI_REQUEST_TEMPERATURE, params.temperature);
  addNumber(attrs, GEN_AI_REQUEST_TOP_P, params.top_p);
  addNumber(attrs, GEN_AI_REQUEST_MAX_TOKENS, num(params.max_completion_tokens) ?? num(params.max_tokens) ?? num(params.max_output_tokens));
  addNumber(attrs, 'gen_ai.request.frequency_penalty', params.frequency_penalty);
  addNumber(attrs, 'gen_ai.request.presence_penalty', params.presence_penalty);
  addNumber(attrs, 'gen_ai.request.seed', params.seed);
  addNumber(attrs, 'gen_ai.request.choice.count', params.n);
  if (params.stop !== undefined && params.stop !== null) attrs['gen_ai.request.stop_sequences'] = Array.isArray(params.stop) ? params.stop.map(String) : [String(params.stop)];
  if (kind === 'embeddings' && typeof params.encoding_format === 'string') attrs['gen_ai.request.encoding_formats'] = [params.encoding_format];
  const format = (params.response_format as Obj | undefined)?.type ?? ((params.text as Obj | undefined)?.format as Obj | undefined)?.type;
  if (typeof format === 'string') attrs['gen_ai.output.type'] = format === 'text' ? 'text' : 'json';
  if (params.stream === true) attrs['gen_ai.request.stream'] = true;
  if (Array.isArray(params.tools)) {
    attrs['gen_ai.request.tool_names'] = (params.tools as Obj[]).map((t) => String((t.function as Obj | undefined)?.name ?? t.name ?? t.type));
  }
  if (settings.captureContent) {
    const messages = new MessagesJson();
    if (kind === 'chat') addChatMessages(messages, params.messages);
    else if (kind === 'responses') for (const m of responsesInputMessages(params.input)) messages.message(m);
    else if (kind === 'completions') {
      for (const p of Array.isArray(params.prompt) ? params.prompt : [params.prompt]) if (typeof p === 'string') messages.message({ role: 'user', parts: [{ type: 'text', content: p }] });
    }
    const json = messages.result(settings.maxFieldSize);
    if (json !== undefined) attrs[GEN_AI_INPUT_MESSAGES] = json;
    if (kind === 'responses' && typeof params.instructions === 'string') {
      attrs['gen_ai.system_instructions'] = contentJson([{ type: 'text', content: params.instructions }], settings.maxFieldSize);
    }
  }
  return request;
}
