import { jsonTooDeep } from './limits.js';
import * as A from './semconv.js';
import type { AttributeValue, Attributes } from './types.js';

/*
 * Reading the Vercel AI SDK's own telemetry (`ai` 4 to 6, and 7's legacy integration): its token names changed
 * with each major version, and so did what its input count means. The GenAI convention (and ours) counts cache
 * reads and writes inside the input tokens.
 */

type Obj = Record<string, unknown>;

function num(v: AttributeValue | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function json(v: AttributeValue | undefined): unknown {
  if (typeof v !== 'string') return v ?? undefined;
  const c = v.charCodeAt(0);
  if ((c !== 123 && c !== 91) || jsonTooDeep(v)) return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** `ai.model.provider` (`openai.chat`, `anthropic.messages`, `amazon-bedrock`...) → a GenAI provider name. */
const PROVIDER_PREFIXES: Record<string, string> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  'azure-openai': 'azure.ai.openai',
  anthropic: 'anthropic',
  google: 'gcp.gemini',
  'google-vertex': 'gcp.vertex_ai',
  vertex: 'gcp.vertex_ai',
  'amazon-bedrock': 'aws.bedrock',
  bedrock: 'aws.bedrock',
  mistral: 'mistral_ai',
  groq: 'groq',
  deepseek: 'deepseek',
  xai: 'x_ai',
  cohere: 'cohere',
  togetherai: 'together',
  fireworks: 'fireworks',
  perplexity: 'perplexity',
  cerebras: 'cerebras',
  openrouter: 'openrouter',
};

/** The provider of an AI SDK span, as a GenAI provider name when known (else the AI SDK's own name). */
export function aiSdkProvider(a: Attributes): string | undefined {
  const p = a[A.AI_MODEL_PROVIDER];
  if (typeof p !== 'string' || !p) return undefined;
  const dot = p.indexOf('.');
  const prefix = (dot < 0 ? p : p.slice(0, dot)).toLowerCase();
  return PROVIDER_PREFIXES[prefix] ?? PROVIDER_PREFIXES[prefix.split('-')[0]] ?? prefix;
}

/** Token usage of an AI SDK model-call span, inputs counted with their cache tokens. */
export interface AiSdkUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

function metadataOf(a: Attributes, provider: string): Obj | undefined {
  const meta = json(a[A.AI_RESPONSE_PROVIDER_METADATA]);
  const own = meta && typeof meta === 'object' ? (meta as Obj)[provider] : undefined;
  return own && typeof own === 'object' ? (own as Obj) : undefined;
}

const metaNum = (m: Obj | undefined, key: string): number | undefined => {
  const v = m?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/**
 * The usage of an AI SDK span. 6 gives the total input with its cache partitions
 * (`inputTokenDetails.*`); 5 gives `inputTokens` + `cachedInputTokens`, where Anthropic's input excludes the
 * cache (its writes are in the provider metadata); 4 gives `promptTokens`, with the cache only in the provider
 * metadata (Anthropic's again excluded from the prompt count). 5's generateText writes 4's names on its provider
 * call and no cache count: an OpenAI cache read is then unknown there (its input total stays right).
 */
export function aiSdkUsage(a: Attributes): AiSdkUsage | undefined {
  const anthropic = typeof a[A.AI_MODEL_PROVIDER] === 'string' && (a[A.AI_MODEL_PROVIDER] as string).startsWith('anthropic');
  const v6Read = num(a[A.AI_USAGE_CACHE_READ_TOKENS]);
  const v6Write = num(a[A.AI_USAGE_CACHE_WRITE_TOKENS]);
  const input = num(a[A.AI_USAGE_INPUT_TOKENS]);
  if (input !== undefined || num(a[A.AI_USAGE_OUTPUT_TOKENS]) !== undefined) {
    const output = num(a[A.AI_USAGE_OUTPUT_TOKENS]);
    const reasoningTokens = num(a[A.AI_USAGE_OUTPUT_REASONING_TOKENS]) ?? num(a[A.AI_USAGE_REASONING_TOKENS]);
    if (v6Read !== undefined || v6Write !== undefined || a[A.AI_USAGE_NO_CACHE_TOKENS] !== undefined) {
      return { inputTokens: input, outputTokens: output, cacheReadTokens: v6Read, cacheWriteTokens: v6Write, reasoningTokens };
    }
    const cacheReadTokens = num(a[A.AI_USAGE_CACHED_INPUT_TOKENS]);
    if (!anthropic) return { inputTokens: input, outputTokens: output, cacheReadTokens, reasoningTokens };
    const cacheWriteTokens = metaNum(metadataOf(a, 'anthropic'), 'cacheCreationInputTokens');
    const total = input === undefined ? undefined : input + (cacheReadTokens ?? 0) + (cacheWriteTokens ?? 0);
    return { inputTokens: total, outputTokens: output, cacheReadTokens, cacheWriteTokens, reasoningTokens };
  }
  const prompt = num(a[A.AI_USAGE_PROMPT_TOKENS]) ?? num(a[A.AI_USAGE_TOKENS]);
  const completion = num(a[A.AI_USAGE_COMPLETION_TOKENS]);
  if (prompt === undefined && completion === undefined) return undefined;
  if (anthropic) {
    // 4 puts both cache counts in the provider metadata; 5 (which still writes `promptTokens` on generateText's
    // provider call) only the writes, with the raw usage beside them.
    const meta = metadataOf(a, 'anthropic');
    const raw = meta?.usage && typeof meta.usage === 'object' ? (meta.usage as Obj) : undefined;
    const read = metaNum(meta, 'cacheReadInputTokens') ?? metaNum(raw, 'cache_read_input_tokens');
    const write = metaNum(meta, 'cacheCreationInputTokens') ?? metaNum(raw, 'cache_creation_input_tokens');
    const total = prompt === undefined ? undefined : prompt + (read ?? 0) + (write ?? 0);
    return { inputTokens: total, outputTokens: completion, cacheReadTokens: read, cacheWriteTokens: write };
  }
  return { inputTokens: prompt, outputTokens: completion, cacheReadTokens: metaNum(metadataOf(a, 'openai'), 'cachedPromptTokens') };
}

/** The prompt and completion of an AI SDK model call (when it recorded inputs and outputs). */
export function aiSdkContent(a: Attributes): { prompt: unknown; completion: unknown } | undefined {
  const messages = a[A.AI_PROMPT_MESSAGES];
  const text = a[A.AI_RESPONSE_TEXT];
  const object = a[A.AI_RESPONSE_OBJECT];
  const toolCalls = json(a[A.AI_RESPONSE_TOOL_CALLS]);
  if (messages === undefined && text === undefined && object === undefined && toolCalls === undefined) return undefined;
  let completion: unknown = null;
  if (text !== undefined || object !== undefined || toolCalls !== undefined) {
    const parts: Obj[] = [];
    if (typeof text === 'string' && text) parts.push({ type: 'text', content: text });
    if (object !== undefined) parts.push({ type: 'text', content: object });
    if (Array.isArray(toolCalls)) {
      for (const c of toolCalls as Obj[]) {
        if (!c || typeof c !== 'object') continue;
        const args = c.input ?? c.args;
        parts.push({ type: 'tool_call', id: c.toolCallId, name: c.toolName, arguments: typeof args === 'string' ? json(args) : args });
      }
    }
    const finish = a[A.AI_RESPONSE_FINISH_REASON];
    completion = [{ role: 'assistant', parts, ...(typeof finish === 'string' ? { finish_reason: finish } : {}) }];
  }
  return { prompt: messages === undefined ? null : json(messages), completion };
}
