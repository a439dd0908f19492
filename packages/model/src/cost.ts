import { createRequire } from 'node:module';

type CalcPrice = typeof import('@pydantic/genai-prices').calcPrice;
let calcPriceFn: CalcPrice | undefined;
/** The price table is large: load it on the first price asked for, not at start-up. */
function calcPrice(...args: Parameters<CalcPrice>): ReturnType<CalcPrice> {
  if (!calcPriceFn) {
    try {
      calcPriceFn = (createRequire(import.meta.url)('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices')).calcPrice;
    } catch {
      // Not installable here: no prices, and no failing lookup on every call either.
      calcPriceFn = () => null;
    }
  }
  return calcPriceFn(...args);
}

/** Token usage of one LLM call, GenAI-convention style: `inputTokens` includes cache reads and writes. */
export interface LlmUsage {
  model: string | null | undefined;
  provider?: string | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  cacheReadTokens?: number | null;
  cacheWriteTokens?: number | null;
}

// gen_ai.provider.name / gen_ai.system values → genai-prices provider ids.
const PROVIDER_IDS: Record<string, string> = {
  openai: 'openai',
  'azure.ai.openai': 'azure',
  az: 'azure',
  anthropic: 'anthropic',
  'aws.bedrock': 'aws',
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  gemini: 'google',
  mistral_ai: 'mistral',
  groq: 'groq',
  deepseek: 'deepseek',
  x_ai: 'x-ai',
  'x-ai': 'x-ai',
  cohere: 'cohere',
  'azure.ai.inference': 'azure',
  openrouter: 'openrouter',
  together: 'together',
  fireworks: 'fireworks',
  perplexity: 'perplexity',
  cerebras: 'cerebras',
  mistral: 'mistral',
  google: 'google',
};

function count(n: number | null | undefined): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * The cost in USD of one LLM call from the bundled `@pydantic/genai-prices` data (offline, never updated
 * at run time). Undefined when the model is unknown or no token count is known: never a made-up number.
 */
export function computeLlmCost(usage: LlmUsage): number | undefined {
  const model = usage.model;
  if (!model) return undefined;
  const input = count(usage.inputTokens);
  const output = count(usage.outputTokens);
  if (input === undefined && output === undefined) return undefined;
  let cacheRead = count(usage.cacheReadTokens) ?? 0;
  let cacheWrite = count(usage.cacheWriteTokens) ?? 0;
  // genai-prices rejects cache partitions larger than the total; such input is inconsistent, so only
  // count the partitions when they fit.
  if (cacheRead + cacheWrite > (input ?? 0)) cacheRead = cacheWrite = 0;
  const providerId = usage.provider ? PROVIDER_IDS[usage.provider] : undefined;
  const linear = linearPrice(providerId ?? '', model);
  if (linear) return linearCost(linear, input ?? 0, output ?? 0, cacheRead, cacheWrite);
  const tokens: Record<string, number> = { input_tokens: input ?? 0, output_tokens: output ?? 0 };
  if (cacheRead) tokens.cache_read_tokens = cacheRead;
  if (cacheWrite) tokens.cache_write_tokens = cacheWrite;
  try {
    const price = calcPrice(tokens, model, providerId ? { providerId } : undefined);
    if (!price || !Number.isFinite(price.total_price)) return undefined;
    rememberIfLinear(providerId ?? '', model, price.model_price, tokens, price.total_price);
    return price.total_price;
  } catch {
    return undefined;
  }
}

/** Per-million-token prices of a model whose price is a plain number per kind of token. */
interface LinearPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

// Looking a model up in the price table costs ~10 µs; most models have flat per-token prices, which are
// kept here (by provider, then model) after the first lookup so later calls of the same model cost a few
// multiplications and no allocation.
const LINEAR_PRICES = new Map<string, Map<string, LinearPrice>>();
const MAX_REMEMBERED = 1000;
let remembered = 0;

// The flat price found last: a process calls few models, and the model named by a response is a fresh string that
// a Map lookup hashes on every call (comparing it with the last one is a few instructions).
let lastLinear: { providerId: string; model: string; price: LinearPrice } | undefined;

function linearPrice(providerId: string, model: string): LinearPrice | undefined {
  const last = lastLinear;
  if (last !== undefined && last.model === model && last.providerId === providerId) return last.price;
  const price = LINEAR_PRICES.get(providerId)?.get(model);
  if (price !== undefined) lastLinear = { providerId, model, price };
  return price;
}

function linearCost(p: LinearPrice, input: number, output: number, read: number, write: number): number {
  return ((input - read - write) * p.input + read * p.cacheRead + write * p.cacheWrite + output * p.output) / 1e6;
}

/**
 * Keeps a model's prices when they are flat numbers, and only when the flat formula gives exactly what the
 * table gave for this call: tiered, conditional or any other unusual price keeps going through the table.
 */
function rememberIfLinear(providerId: string, model: string, modelPrice: unknown, tokens: Record<string, number>, total: number): void {
  if (remembered >= MAX_REMEMBERED || !modelPrice || typeof modelPrice !== 'object') return;
  const mp = modelPrice as Record<string, unknown>;
  const flat = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const input = flat(mp.input_mtok);
  const output = flat(mp.output_mtok);
  if (input === undefined || output === undefined) return;
  if (Object.entries(mp).some(([k, v]) => k.endsWith('_mtok') && flat(v) === undefined && v !== undefined)) return;
  const p: LinearPrice = { input, output, cacheRead: flat(mp.cache_read_mtok) ?? input, cacheWrite: flat(mp.cache_write_mtok) ?? input };
  const cost = linearCost(p, tokens.input_tokens, tokens.output_tokens, tokens.cache_read_tokens ?? 0, tokens.cache_write_tokens ?? 0);
  if (Math.abs(cost - total) > 1e-12 * Math.max(1, total)) return;
  let byModel = LINEAR_PRICES.get(providerId);
  if (!byModel) LINEAR_PRICES.set(providerId, (byModel = new Map()));
  if (!byModel.has(model)) remembered++;
  byModel.set(model, p);
}

/** USD as the wire and `endSession` show it: 6 decimals, `"0.000000"` when free or unknown. */
export function formatCost(usd: number | null | undefined): string {
  return (typeof usd === 'number' && Number.isFinite(usd) && usd > 0 ? usd : 0).toFixed(6);
}

/**
 * An LLM event as stored: its explicit `cost` when it has one, else priced from its model, provider and tokens
 * (`prompt_tokens` include cache tokens, as the GenAI conventions count them), else `cost: null` (unknown). The
 * server prices what clients send without a cost (the AgentOps Python SDK does) with this, the SDK's own cost
 * function.
 */
export function priced<E extends { event_type: string; cost?: number | null }>(event: E): E {
  if (event.event_type !== 'llms' || (typeof event.cost === 'number' && Number.isFinite(event.cost))) return event;
  const e = event as E & { model?: unknown; provider?: unknown; prompt_tokens?: unknown; completion_tokens?: unknown; cache_read_tokens?: unknown; cache_creation_tokens?: unknown };
  const n = (v: unknown) => (typeof v === 'number' ? v : null);
  const cost = computeLlmCost({
    model: typeof e.model === 'string' ? e.model : null,
    provider: typeof e.provider === 'string' ? e.provider : null,
    inputTokens: n(e.prompt_tokens),
    outputTokens: n(e.completion_tokens),
    cacheReadTokens: n(e.cache_read_tokens),
    cacheWriteTokens: n(e.cache_creation_tokens),
  });
  return { ...event, cost: cost ?? null };
}
