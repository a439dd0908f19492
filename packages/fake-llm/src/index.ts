import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/**
 * A fake model server on loopback that answers like the OpenAI, Anthropic, Gemini, Mistral, Cohere and Bedrock
 * APIs (JSON, SSE, AWS event streams), with
 * deterministic content and token counts. Special model names make it misbehave:
 * `error-429`, `error-500` (an API error), `midstream-error` (the stream breaks after a few chunks),
 * `slow` (chunks 20 ms apart, to abort mid-way), `hostile-usage` (usage out of every range: 2e12 prompt tokens,
 * -50 completion tokens, a 5,000-character model name), `invalid-json` (a 200 whose body is not JSON). A model
 * name with `cached` in it reports cache reads (OpenAI: half the prompt, inside `prompt_tokens`; Anthropic: 40
 * read and 20 written, outside `input_tokens`, as the real APIs count them). With tools and a last message from
 * the user, every API answers with a call of the first tool (Paris); after the tool's result, with text (the
 * Responses API calls each of its tools once per conversation, so a handed-over agent calls its own). A chat
 * request for structured output (`response_format`) gets `{"city":"Paris","sky":"sunny","celsius":21}`.
 */
export interface FakeLlmOptions {
  /** Chunks a streamed answer is split into. Default 8. */
  chunks?: number;
  port?: number;
}

type Obj = Record<string, unknown>;

export interface FakeRequest {
  path: string;
  body: Obj;
  headers: http.IncomingHttpHeaders;
  /** The `usage` object of the answer, as the API sent it (undefined for errors). */
  usage?: Obj;
  /** The `id` of the answer (unique in the process). */
  responseId?: string;
}

let answered = 0;

/** A request asks for cache tokens in its answer (see the header comment). */
const wantsCache = (model: string, body: Obj) => model.includes('cached') || JSON.stringify(body).includes('[cached]');

export interface FakeLlmServer {
  url: string;
  /** Base URL for `new OpenAI({ baseURL })`. */
  openaiBaseURL: string;
  /** Base URL for `new Anthropic({ baseURL })`. */
  anthropicBaseURL: string;
  /** Base URL for `new GoogleGenAI({ httpOptions: { baseUrl } })` (Gemini API and Vertex AI paths). */
  geminiBaseURL: string;
  /** `endpoint` for `new BedrockRuntimeClient({ endpoint })`: the same fake over HTTP/2, as the client speaks it. */
  bedrockEndpoint: string;
  /** Requests received, newest last (path, body, headers, and the usage answered: the API's own field names). */
  requests: FakeRequest[];
  close(): Promise<void>;
}

const ANSWER = 'The weather in Paris is sunny with a light breeze and 21 degrees, a fine day for a walk along the Seine.';
const words = (s: string) => s.split(/(?<= )/);

function tokensOf(value: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(value ?? '').length / 4));
}

function split(text: string, n: number): string[] {
  const w = words(text);
  const out: string[] = [];
  const per = Math.max(1, Math.ceil(w.length / n));
  for (let i = 0; i < w.length; i += per) out.push(w.slice(i, i + per).join(''));
  return out;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${Date.now()}`, ...headers });
  res.end(text);
}

async function sendSse(res: http.ServerResponse, events: Array<{ event?: string; data: unknown }>, model: string) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': `req_${Date.now()}` });
  for (let i = 0; i < events.length; i++) {
    if (model === 'midstream-error' && i === 3) {
      res.socket?.destroy();
      return;
    }
    if (res.destroyed) return;
    const e = events[i];
    res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`);
    if (model === 'slow' || model === 'midstream-error') await new Promise((r) => setTimeout(r, 20));
  }
  res.end();
}

function apiError(res: http.ServerResponse, model: string, anthropic: boolean): boolean {
  const m = /^error-(\d{3})$/.exec(model);
  if (!m) return false;
  const status = Number(m[1]);
  if (anthropic) sendJson(res, status, { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message: `fake ${status}` } });
  else sendJson(res, status, { error: { message: `fake ${status}`, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', code: null, param: null } }, status === 429 ? { 'retry-after': '0' } : {});
  return true;
}

function chatAnswer(body: Obj): { content: string | null; toolCalls?: Array<{ id: string; name: string; args: string }> } {
  const messages = (body.messages as Obj[]) ?? [];
  const last = messages[messages.length - 1];
  const tools = body.tools as Obj[] | undefined;
  if (tools?.length && last?.role === 'user') {
    const fn = (tools[0].function ?? tools[0]) as Obj;
    return { content: null, toolCalls: [{ id: 'call_fake_1', name: String(fn.name), args: JSON.stringify(toolArguments(fn.parameters)) }] };
  }
  // Structured output (`response_format` json_schema / json_object): a JSON object, as the model would give.
  const format = (body.response_format as Obj | undefined)?.type;
  if (format === 'json_schema' || format === 'json_object') return { content: STRUCTURED_ANSWER };
  return { content: ANSWER };
}

const STRUCTURED = { city: 'Paris', sky: 'sunny', celsius: 21 };
const STRUCTURED_ANSWER = JSON.stringify(STRUCTURED);

/** A tool call's arguments: the structured answer's fields its JSON schema asks for (Paris alone, else). */
function toolArguments(parameters: unknown): Obj {
  const props = (parameters as { properties?: Obj } | undefined)?.properties;
  const args = Object.fromEntries(Object.entries(STRUCTURED).filter(([k]) => props && k in props));
  return Object.keys(args).length ? args : { city: 'Paris' };
}

function chat(res: http.ServerResponse, body: Obj, chunks: number, rec: FakeRequest) {
  const model = String(body.model);
  if (apiError(res, model, false)) return;
  const id = `chatcmpl-fake${Date.now()}_${++answered}`;
  const created = Math.floor(Date.now() / 1000);
  const answer = chatAnswer(body);
  if (model === 'invalid-json') {
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${Date.now()}` });
    res.end('{"id": "chatcmpl-broken", "choices": [');
    return;
  }
  const hostile = model === 'hostile-usage';
  const prompt = hostile ? 2e12 : tokensOf(body.messages);
  const completion = hostile ? -50 : tokensOf(answer.content ?? answer.toolCalls);
  const usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: wantsCache(model, body) ? Math.floor(prompt / 2) : 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  // An OpenAI stream carries usage only when the request asked for it; Mistral's always does, on its last chunk.
  const mistral = /mistral/i.test(String(rec.headers['user-agent'] ?? ''));
  const streamUsage = mistral || (body.stream_options as Obj | undefined)?.include_usage;
  if (body.stream !== true || streamUsage) rec.usage = usage;
  rec.responseId = id;
  const finish = answer.toolCalls ? 'tool_calls' : 'stop';
  const responseModel = hostile ? `hostile-${'m'.repeat(5000)}` : model.startsWith('gpt-4o-mini') ? 'gpt-4o-mini-2024-07-18' : model;
  if (body.stream !== true) {
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: responseModel,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: answer.content,
            refusal: null,
            ...(answer.toolCalls ? { tool_calls: answer.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.args } })) } : {}),
          },
          logprobs: null,
          finish_reason: finish,
        },
      ],
      usage,
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    });
    return;
  }
  const base = { id, object: 'chat.completion.chunk', created, model: responseModel, system_fingerprint: 'fp_fake' };
  const events: Array<{ data: unknown }> = [{ data: { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }] } }];
  if (answer.toolCalls) {
    const t = answer.toolCalls[0];
    events.push({ data: { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }] }, finish_reason: null }] } });
    for (const part of split(t.args, 3)) events.push({ data: { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: part } }] }, finish_reason: null }] } });
  } else {
    for (const part of split(answer.content!, chunks)) events.push({ data: { ...base, choices: [{ index: 0, delta: { content: part }, logprobs: null, finish_reason: null }] } });
  }
  events.push({ data: { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: finish }] } });
  if (mistral) (events[events.length - 1].data as Obj).usage = usage;
  else if (streamUsage) events.push({ data: { ...base, choices: [], usage } });
  events.push({ data: '[DONE]' });
  void sendSse(res, events, model);
}

function completions(res: http.ServerResponse, body: Obj, chunks: number) {
  const model = String(body.model);
  if (apiError(res, model, false)) return;
  const id = `cmpl-fake${Date.now()}_${++answered}`;
  const created = Math.floor(Date.now() / 1000);
  const prompt = tokensOf(body.prompt);
  const usage = { prompt_tokens: prompt, completion_tokens: tokensOf(ANSWER), total_tokens: prompt + tokensOf(ANSWER) };
  if (body.stream !== true) {
    sendJson(res, 200, { id, object: 'text_completion', created, model, choices: [{ text: ANSWER, index: 0, logprobs: null, finish_reason: 'stop' }], usage });
    return;
  }
  const events: Array<{ data: unknown }> = split(ANSWER, chunks).map((text) => ({ data: { id, object: 'text_completion', created, model, choices: [{ text, index: 0, logprobs: null, finish_reason: null }] } }));
  events.push({ data: { id, object: 'text_completion', created, model, choices: [{ text: '', index: 0, logprobs: null, finish_reason: 'stop' }] } });
  events.push({ data: '[DONE]' });
  void sendSse(res, events, model);
}

function embeddings(res: http.ServerResponse, body: Obj, rec: FakeRequest) {
  const model = String(body.model);
  if (apiError(res, model, false)) return;
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const tokens = tokensOf(body.input);
  rec.usage = { prompt_tokens: tokens, total_tokens: tokens };
  sendJson(res, 200, {
    id: `emb-fake${++answered}`,
    object: 'list',
    data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.0023064255, -0.009327292, 0.015797347] })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

/** The Responses API's input as items (a string is one user message). */
function responseItems(input: unknown): Obj[] {
  return typeof input === 'string' ? [{ role: 'user', content: input }] : Array.isArray(input) ? (input as Obj[]) : [];
}

function responses(res: http.ServerResponse, body: Obj, chunks: number, rec: FakeRequest) {
  const model = String(body.model);
  if (apiError(res, model, false)) return;
  const id = `resp_fake${Date.now()}_${++answered}`;
  const items = responseItems(body.input);
  const last = items[items.length - 1];
  // Each tool is called once per conversation (a handed-over agent calls its own tool), then the answer.
  const called = new Set(items.filter((i) => i.type === 'function_call').map((i) => i.name));
  const tool = (body.tools as Obj[] | undefined)?.find((t) => t.type === 'function' && !called.has(t.name));
  const callTool = tool && last && (last.role === 'user' || last.type === 'function_call_output');
  const input = tokensOf(body.input);
  const fnCall = callTool ? { type: 'function_call', id: `fc_fake_${called.size + 1}`, call_id: `call_fake_${called.size + 1}`, name: String(tool.name), arguments: JSON.stringify({ city: 'Paris' }), status: 'completed' } : undefined;
  const output = tokensOf(fnCall ?? ANSWER);
  const message = { type: 'message', id: 'msg_fake', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: ANSWER, annotations: [] }] };
  const item: Obj = fnCall ?? message;
  const cached = wantsCache(model, body) ? Math.floor(input / 2) : 0;
  const full = {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model,
    output: [item],
    incomplete_details: null,
    usage: { input_tokens: input, input_tokens_details: { cached_tokens: cached }, output_tokens: output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + output },
  };
  rec.usage = full.usage;
  rec.responseId = id;
  if (body.stream !== true) {
    sendJson(res, 200, full);
    return;
  }
  let seq = 0;
  const ev = (type: string, extra: Obj) => ({ event: type, data: { type, sequence_number: seq++, ...extra } });
  const events = [ev('response.created', { response: { ...full, status: 'in_progress', output: [], usage: null } })];
  if (fnCall) {
    events.push(ev('response.output_item.added', { output_index: 0, item: { ...fnCall, status: 'in_progress', arguments: '' } }));
    for (const delta of split(fnCall.arguments, 3)) events.push(ev('response.function_call_arguments.delta', { item_id: fnCall.id, output_index: 0, delta }));
    events.push(ev('response.function_call_arguments.done', { item_id: fnCall.id, output_index: 0, arguments: fnCall.arguments }));
    events.push(ev('response.output_item.done', { output_index: 0, item: fnCall }));
  } else {
    events.push(ev('response.output_item.added', { output_index: 0, item: { ...message, status: 'in_progress', content: [] } }));
    events.push(ev('response.content_part.added', { item_id: 'msg_fake', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }));
    for (const delta of split(ANSWER, chunks)) events.push(ev('response.output_text.delta', { item_id: 'msg_fake', output_index: 0, content_index: 0, delta }));
    events.push(ev('response.output_text.done', { item_id: 'msg_fake', output_index: 0, content_index: 0, text: ANSWER }));
    events.push(ev('response.content_part.done', { item_id: 'msg_fake', output_index: 0, content_index: 0, part: message.content[0] }));
    events.push(ev('response.output_item.done', { output_index: 0, item: message }));
  }
  events.push(ev('response.completed', { response: full }));
  void sendSse(res, events, model);
}

function anthropicMessages(res: http.ServerResponse, body: Obj, chunks: number, rec: FakeRequest) {
  const model = String(body.model);
  if (apiError(res, model, true)) return;
  const id = `msg_fake${Date.now()}_${++answered}`;
  const messages = (body.messages as Obj[]) ?? [];
  const last = messages[messages.length - 1];
  const tools = body.tools as Obj[] | undefined;
  const isToolResult = Array.isArray(last?.content) && (last.content as Obj[]).some((b) => b?.type === 'tool_result');
  const toolUse = tools?.length && last?.role === 'user' && !isToolResult;
  const cached = wantsCache(model, body);
  const usage = { input_tokens: tokensOf(body.messages), cache_creation_input_tokens: cached ? 20 : 0, cache_read_input_tokens: cached ? 40 : 0, output_tokens: tokensOf(ANSWER) };
  const content = toolUse ? [{ type: 'tool_use', id: 'toolu_fake_1', name: String(tools![0].name), input: { city: 'Paris' } }] : [{ type: 'text', text: ANSWER }];
  const stop = toolUse ? 'tool_use' : 'end_turn';
  rec.usage = usage;
  rec.responseId = id;
  if (body.stream !== true) {
    sendJson(res, 200, { id, type: 'message', role: 'assistant', model, content, stop_reason: stop, stop_sequence: null, usage });
    return;
  }
  const events: Array<{ event: string; data: unknown }> = [
    { event: 'message_start', data: { type: 'message_start', message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } } },
  ];
  if (toolUse) {
    events.push({ event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_fake_1', name: String(tools![0].name), input: {} } } });
    for (const part of split('{"city": "Paris"}', 3)) events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: part } } });
  } else {
    events.push({ event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } });
    for (const part of split(ANSWER, chunks)) events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: part } } });
  }
  events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } });
  events.push({ event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } } });
  events.push({ event: 'message_stop', data: { type: 'message_stop' } });
  void sendSse(res, events, model);
}

/** Gemini's `contents` as its API takes them: `[{ role, parts: [{ text } | { functionResponse }...] }]`. */
function geminiAnswer(body: Obj): Obj[] {
  const contents = (body.contents as Obj[] | undefined) ?? [];
  const last = contents[contents.length - 1];
  const parts = (last?.parts as Obj[] | undefined) ?? [];
  const declarations = ((body.tools as Obj[] | undefined) ?? []).flatMap((t) => (t.functionDeclarations as Obj[] | undefined) ?? []);
  if (declarations.length && last?.role !== 'model' && !parts.some((p) => p.functionResponse)) {
    const fn = declarations[0];
    return [{ functionCall: { name: fn.name, args: toolArguments(fn.parameters ?? fn.parametersJsonSchema) } }];
  }
  const mime = (body.generationConfig as Obj | undefined)?.responseMimeType;
  return [{ text: mime === 'application/json' ? STRUCTURED_ANSWER : ANSWER }];
}

/**
 * The Gemini API (`/v1beta/models/M:generateContent`, `:streamGenerateContent?alt=sse`, `:embedContent`,
 * `:batchEmbedContents`) and Vertex AI's (`/v1beta1/projects/P/locations/L/publishers/google/models/M:...`).
 * A model name with `thinking` (or `[thinking]` in the request) reports thoughts tokens; `cached` (or `[cached]` in the request) a cached part
 * of the prompt, which Gemini counts inside `promptTokenCount`.
 */
function gemini(res: http.ServerResponse, path: string, body: Obj, chunks: number, rec: FakeRequest) {
  const m = /models\/([^/:]+):(\w+)$/.exec(path);
  const model = m ? decodeURIComponent(m[1]) : 'unknown';
  const method = m?.[2] ?? '';
  const errorStatus = /^error-(\d{3})$/.exec(model);
  if (errorStatus) {
    const code = Number(errorStatus[1]);
    sendJson(res, code, { error: { code, message: `fake ${code}`, status: code === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' } });
    return;
  }
  if (method === 'embedContent' || method === 'batchEmbedContents') {
    const requests = (body.requests as Obj[] | undefined) ?? [body];
    const embeddings = requests.map(() => ({ values: [0.0023064255, -0.009327292, 0.015797347] }));
    rec.usage = {};
    sendJson(res, 200, method === 'embedContent' ? { embedding: embeddings[0] } : { embeddings });
    return;
  }
  const parts = geminiAnswer(body);
  const prompt = tokensOf(body.contents) + (body.systemInstruction ? tokensOf(body.systemInstruction) : 0);
  const cached = wantsCache(model, body) ? Math.floor(prompt / 2) : 0;
  const thoughts = model.includes('thinking') || JSON.stringify(body).includes('[thinking]') ? 12 : 0;
  const candidates = tokensOf(parts);
  const usageMetadata: Obj = { promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates + thoughts };
  if (cached) usageMetadata.cachedContentTokenCount = cached;
  if (thoughts) usageMetadata.thoughtsTokenCount = thoughts;
  const responseId = `gemini_fake_${++answered}`;
  rec.usage = usageMetadata;
  rec.responseId = responseId;
  const finishReason = 'STOP';
  const full = { candidates: [{ content: { role: 'model', parts }, finishReason, index: 0 }], usageMetadata, modelVersion: model, responseId };
  if (method !== 'streamGenerateContent') {
    sendJson(res, 200, full);
    return;
  }
  const text = parts[0].text as string | undefined;
  const pieces = text ? split(text, chunks) : [undefined];
  const events = pieces.map((piece, i) => {
    const last = i === pieces.length - 1;
    const chunkParts = piece === undefined ? parts : [{ text: piece }];
    // Gemini sends the usage so far on every chunk, the final counts on the last.
    return { data: { candidates: [{ content: { role: 'model', parts: chunkParts }, ...(last ? { finishReason } : {}), index: 0 }], usageMetadata: last ? usageMetadata : { promptTokenCount: prompt, totalTokenCount: prompt }, modelVersion: model, responseId } };
  });
  void sendSse(res, events, model);
}

/** Cohere's API v2 (`/v2/chat` JSON and SSE, `/v2/embed`, `/v2/rerank`), with billed and raw token counts. */
function cohere(res: http.ServerResponse, path: string, body: Obj, chunks: number, rec: FakeRequest) {
  const model = String(body.model);
  const errorStatus = /^error-(\d{3})$/.exec(model);
  if (errorStatus) {
    sendJson(res, Number(errorStatus[1]), { message: `fake ${errorStatus[1]}` });
    return;
  }
  const id = `cohere_fake_${++answered}`;
  rec.responseId = id;
  if (path.endsWith('/embed')) {
    const texts = (body.texts as unknown[] | undefined) ?? (body.inputs as unknown[] | undefined) ?? [];
    const input = tokensOf(texts);
    rec.usage = { billed_units: { input_tokens: input } };
    sendJson(res, 200, { id, embeddings: { float: texts.map(() => [0.0023064255, -0.009327292, 0.015797347]) }, texts, meta: { api_version: { version: '2' }, billed_units: { input_tokens: input } }, response_type: 'embeddings_by_type' });
    return;
  }
  if (path.endsWith('/rerank')) {
    const docs = (body.documents as unknown[] | undefined) ?? [];
    rec.usage = { billed_units: { search_units: 1 } };
    sendJson(res, 200, { id, results: docs.map((_, index) => ({ index, relevance_score: 1 / (index + 1) })), meta: { api_version: { version: '2' }, billed_units: { search_units: 1 } } });
    return;
  }
  const messages = (body.messages as Obj[] | undefined) ?? [];
  const last = messages[messages.length - 1];
  const tool = (body.tools as Obj[] | undefined)?.[0];
  const callTool = tool && last?.role === 'user';
  const fn = (tool?.function ?? {}) as Obj;
  const input = tokensOf(messages);
  const output = tokensOf(callTool ? fn.name : ANSWER);
  // What is billed leaves out the special tokens the API adds: fewer than the raw counts.
  const usage = { billed_units: { input_tokens: input, output_tokens: output }, tokens: { input_tokens: input + 7, output_tokens: output + 2 } };
  rec.usage = usage;
  const toolCalls = callTool ? [{ id: 'call_fake_1', type: 'function', function: { name: fn.name, arguments: JSON.stringify(toolArguments(fn.parameters)) } }] : undefined;
  const finish = callTool ? 'TOOL_CALL' : 'COMPLETE';
  const message = callTool ? { role: 'assistant', tool_plan: 'I will look up the weather.', tool_calls: toolCalls } : { role: 'assistant', content: [{ type: 'text', text: ANSWER }] };
  if (body.stream !== true) {
    sendJson(res, 200, { id, finish_reason: finish, message, usage });
    return;
  }
  const events: Array<{ event?: string; data: unknown }> = [{ event: 'message-start', data: { id, type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } } }];
  if (callTool) {
    events.push({ event: 'tool-call-start', data: { type: 'tool-call-start', index: 0, delta: { message: { tool_calls: { ...toolCalls![0], function: { name: fn.name, arguments: '' } } } } } });
    events.push({ event: 'tool-call-delta', data: { type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: toolCalls![0].function.arguments } } } } } });
    events.push({ event: 'tool-call-end', data: { type: 'tool-call-end', index: 0 } });
  } else {
    events.push({ event: 'content-start', data: { type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } } });
    for (const text of split(ANSWER, chunks)) events.push({ event: 'content-delta', data: { type: 'content-delta', index: 0, delta: { message: { content: { text } } } } });
    events.push({ event: 'content-end', data: { type: 'content-end', index: 0 } });
  }
  events.push({ event: 'message-end', data: { type: 'message-end', delta: { finish_reason: finish, usage } } });
  void sendSse(res, events, model);
}

/** AWS event stream framing (`application/vnd.amazon.eventstream`), as Bedrock's streamed commands answer. */
const eventStream = new EventStreamCodec(toUtf8, fromUtf8);
function sendEventStream(res: http.ServerResponse, events: Array<{ type: string; body: unknown }>, model: string) {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': `req_${Date.now()}` });
  void (async () => {
    for (let i = 0; i < events.length; i++) {
      if (model.includes('midstream-error') && i === 3) {
        // A frame that fails its checksum: the client's decoder throws, as on a corrupted stream (over HTTP/2 a
        // reset stream leaves some Node versions' clients waiting forever).
        res.end(Buffer.from('00000020000000105fe9c3a1deadbeefdeadbeefdeadbeefdeadbeef00000000', 'hex'));
        return;
      }
      if (res.destroyed) return;
      const e = events[i];
      const headers = { ':event-type': { type: 'string' as const, value: e.type }, ':content-type': { type: 'string' as const, value: 'application/json' }, ':message-type': { type: 'string' as const, value: 'event' } };
      res.write(eventStream.encode({ headers, body: fromUtf8(JSON.stringify(e.body)) }));
      if (model.includes('slow')) await new Promise((r) => setTimeout(r, 20));
    }
    res.end();
  })();
}

/** A Bedrock model id's family, by its prefix (`anthropic.`, `us.anthropic.`, `amazon.nova-`...). */
function bedrockFamily(modelId: string): 'anthropic' | 'nova' | 'titan' | 'meta' | 'mistral' | 'cohere' | 'unknown' {
  const id = modelId.replace(/^(us|eu|apac|global)\./, '');
  if (id.startsWith('anthropic.')) return 'anthropic';
  if (id.startsWith('amazon.nova')) return 'nova';
  if (id.startsWith('amazon.titan')) return 'titan';
  if (id.startsWith('meta.')) return 'meta';
  if (id.startsWith('mistral.')) return 'mistral';
  if (id.startsWith('cohere.')) return 'cohere';
  return 'unknown';
}

/**
 * Bedrock Runtime: `Converse` and `ConverseStream` (its own message shapes and event stream), `InvokeModel` and
 * `InvokeModelWithResponseStream` with each model family's body (Anthropic, Amazon Nova and Titan, Meta, Mistral,
 * Cohere), the streamed ones framed as AWS event streams with the invocation metrics in the last chunk. Converse
 * counts cache reads and writes apart from `inputTokens`, as Bedrock does.
 */
function bedrock(res: http.ServerResponse, path: string, body: Obj, chunks: number, rec: FakeRequest) {
  const m = /\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/.exec(path)!;
  const modelId = decodeURIComponent(m[1]);
  const op = m[2];
  const errorStatus = /error-(\d{3})/.exec(modelId);
  if (errorStatus) {
    const code = Number(errorStatus[1]);
    res.writeHead(code, { 'content-type': 'application/json', 'x-amzn-errortype': code === 429 ? 'ThrottlingException' : 'InternalServerException' });
    res.end(JSON.stringify({ message: `fake ${code}` }));
    return;
  }
  const id = `bedrock_fake_${++answered}`;
  rec.responseId = id;
  if (op === 'converse' || op === 'converse-stream') {
    const messages = (body.messages as Obj[] | undefined) ?? [];
    const last = messages[messages.length - 1];
    const tool = (((body.toolConfig as Obj | undefined)?.tools as Obj[] | undefined) ?? [])[0]?.toolSpec as Obj | undefined;
    const hasResult = ((last?.content as Obj[] | undefined) ?? []).some((b) => b.toolResult);
    const toolUse = tool && last?.role === 'user' && !hasResult ? { toolUseId: 'tooluse_fake_1', name: tool.name, input: toolArguments(((tool.inputSchema as Obj | undefined)?.json as Obj | undefined)) } : undefined;
    const cached = wantsCache(modelId, body);
    const usage: Obj = { inputTokens: tokensOf(messages), outputTokens: tokensOf(toolUse ?? ANSWER) };
    if (cached) Object.assign(usage, { cacheReadInputTokens: 40, cacheWriteInputTokens: 20 });
    usage.totalTokens = (usage.inputTokens as number) + (usage.outputTokens as number) + (cached ? 60 : 0);
    rec.usage = usage;
    const stopReason = toolUse ? 'tool_use' : 'end_turn';
    if (op === 'converse') {
      sendJson(res, 200, { output: { message: { role: 'assistant', content: toolUse ? [{ toolUse }] : [{ text: ANSWER }] } }, stopReason, usage, metrics: { latencyMs: 12 } });
      return;
    }
    const events: Array<{ type: string; body: unknown }> = [{ type: 'messageStart', body: { role: 'assistant' } }];
    if (toolUse) {
      events.push({ type: 'contentBlockStart', body: { contentBlockIndex: 0, start: { toolUse: { toolUseId: toolUse.toolUseId, name: toolUse.name } } } });
      events.push({ type: 'contentBlockDelta', body: { contentBlockIndex: 0, delta: { toolUse: { input: JSON.stringify(toolUse.input) } } } });
    } else for (const text of split(ANSWER, chunks)) events.push({ type: 'contentBlockDelta', body: { contentBlockIndex: 0, delta: { text } } });
    events.push({ type: 'contentBlockStop', body: { contentBlockIndex: 0 } }, { type: 'messageStop', body: { stopReason } }, { type: 'metadata', body: { usage, metrics: { latencyMs: 12 } } });
    sendEventStream(res, events, modelId);
    return;
  }
  // InvokeModel: each family's own body.
  const family = bedrockFamily(modelId);
  const input = tokensOf(body.messages ?? body.prompt ?? body.inputText ?? body.message);
  const output = tokensOf(ANSWER);
  const metrics = { inputTokenCount: input, outputTokenCount: output, invocationLatency: 12, firstByteLatency: 5 };
  rec.usage = { input_tokens: input, output_tokens: output };
  const whole: Record<typeof family, Obj> = {
    anthropic: { id, type: 'message', role: 'assistant', model: modelId, content: [{ type: 'text', text: ANSWER }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: input, output_tokens: output } },
    nova: { output: { message: { role: 'assistant', content: [{ text: ANSWER }] } }, stopReason: 'end_turn', usage: { inputTokens: input, outputTokens: output, totalTokens: input + output } },
    titan: { inputTextTokenCount: input, results: [{ tokenCount: output, outputText: ANSWER, completionReason: 'FINISH' }] },
    meta: { generation: ANSWER, prompt_token_count: input, generation_token_count: output, stop_reason: 'stop' },
    mistral: { outputs: [{ text: ANSWER, stop_reason: 'stop' }] },
    cohere: { response_id: id, text: ANSWER, finish_reason: 'COMPLETE', meta: { billed_units: { input_tokens: input, output_tokens: output } } },
    unknown: { completion: ANSWER },
  };
  if (op === 'invoke') {
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-bedrock-input-token-count': String(input), 'x-amzn-bedrock-output-token-count': String(output) });
    res.end(JSON.stringify(whole[family]));
    return;
  }
  const pieces = split(ANSWER, chunks);
  const parts: Obj[] =
    family === 'anthropic'
      ? [
          { type: 'message_start', message: { id, type: 'message', role: 'assistant', model: modelId, content: [], stop_reason: null, usage: { input_tokens: input, output_tokens: 1 } } },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          ...pieces.map((text) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
          { type: 'content_block_stop', index: 0 },
          { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: output } },
          { type: 'message_stop' },
        ]
      : family === 'nova'
        ? [{ messageStart: { role: 'assistant' } }, ...pieces.map((text) => ({ contentBlockDelta: { delta: { text }, contentBlockIndex: 0 } })), { contentBlockStop: { contentBlockIndex: 0 } }, { messageStop: { stopReason: 'end_turn' } }]
        : family === 'meta'
          ? pieces.map((generation, i) => ({ generation, prompt_token_count: i === 0 ? input : null, generation_token_count: i + 1, stop_reason: i === pieces.length - 1 ? 'stop' : null }))
          : family === 'titan'
            ? pieces.map((outputText, i) => ({ outputText, index: 0, totalOutputTextTokenCount: i + 1, completionReason: i === pieces.length - 1 ? 'FINISH' : null, inputTextTokenCount: i === 0 ? input : undefined }))
            : pieces.map((text, i) => ({ outputs: [{ text, stop_reason: i === pieces.length - 1 ? 'stop' : null }] }));
  // Bedrock adds the invocation's token counts to the last chunk, for every model.
  parts[parts.length - 1] = { ...parts[parts.length - 1], 'amazon-bedrock-invocationMetrics': metrics };
  sendEventStream(res, parts.map((p) => ({ type: 'chunk', body: { bytes: Buffer.from(JSON.stringify(p)).toString('base64') } })), modelId);
}

/** Starts the fake server on 127.0.0.1 (a free port unless `port` is given). */
export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlmServer> {
  const chunks = options.chunks ?? 8;
  const requests: FakeLlmServer['requests'] = [];
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      let body: Obj = {};
      try {
        body = parts.length ? (JSON.parse(Buffer.concat(parts).toString('utf8')) as Obj) : {};
      } catch {
        sendJson(res, 400, { error: { message: 'invalid JSON' } });
        return;
      }
      const path = (req.url ?? '').split('?')[0];
      const rec: FakeRequest = { path, body, headers: req.headers };
      requests.push(rec);
      if (/\/model\/[^/]+\/(converse|converse-stream|invoke|invoke-with-response-stream)$/.test(path)) bedrock(res, path, body, chunks, rec);
      else if (/\/models\/[^/]+:\w+$/.test(path)) gemini(res, path, body, chunks, rec);
      else if (/\/v2\/(chat|embed|rerank)$/.test(path)) cohere(res, path, body, chunks, rec);
      else if (path.endsWith('/chat/completions')) chat(res, body, chunks, rec);
      // Mistral's fill-in-the-middle: a chat answer to the prompt.
      else if (path.endsWith('/fim/completions')) chat(res, { ...body, messages: [{ role: 'user', content: body.prompt }] }, chunks, rec);
      else if (path.endsWith('/completions')) completions(res, body, chunks);
      else if (path.endsWith('/embeddings')) embeddings(res, body, rec);
      else if (path.endsWith('/responses')) responses(res, body, chunks, rec);
      else if (path.endsWith('/messages')) anthropicMessages(res, body, chunks, rec);
      else sendJson(res, 404, { error: { message: `no route ${path}` } });
    });
  };
  const server = http.createServer(handle);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(options.port ?? 0, '127.0.0.1', r));
  // The AWS SDK's Bedrock Runtime client speaks HTTP/2 (cleartext here, with prior knowledge, as to an http:// endpoint).
  const h2 = http2.createServer((req, res) => handle(req as unknown as http.IncomingMessage, res as unknown as http.ServerResponse));
  const h2Sessions = new Set<http2.ServerHttp2Session>();
  h2.on('session', (session) => {
    session.on('error', () => undefined);
    h2Sessions.add(session);
    session.on('close', () => h2Sessions.delete(session));
  });
  await new Promise<void>((r) => h2.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    geminiBaseURL: url,
    bedrockEndpoint: `http://127.0.0.1:${(h2.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        for (const session of h2Sessions) session.destroy();
        let open = 2;
        const done = () => --open === 0 && r();
        server.close(done);
        // An HTTP/2 server waits for its sessions to be gone; one whose stream was reset may linger a while.
        const h2Done = setTimeout(done, 500);
        h2.close(() => {
          clearTimeout(h2Done);
          done();
        });
      }),
  };
}

export { ANSWER as FAKE_ANSWER, STRUCTURED_ANSWER as FAKE_STRUCTURED_ANSWER };

export { startFaultProxy, type ProxyMode } from './fault-proxy.js';
