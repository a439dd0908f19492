import type { Attributes } from '@opentelemetry/api';
import * as A from '@agentops/model';
import { addServerAttributes } from './server.js';

const { GEN_AI_PROVIDER_NAME, GEN_AI_SYSTEM, GEN_AI_REQUEST_MODEL } = A;

/**
 * A request's attributes in two parts. `start`: what a sampler may read when the span starts — the GenAI
 * conventions' sampling-relevant attributes (provider, requested model, server; {@link LlmCall} adds the
 * operation). `rest`: everything else (parameters, content, `gen_ai.system`), which the span gets when it ends:
 * an attribute given at the start goes through the SDK's sanitising twice and costs about twice as much.
 */
export interface RequestAttributes {
  readonly start: Attributes;
  readonly rest: Attributes;
}

/**
 * What every LLM request span starts with: provider (new and old key), server, requested model. `provider` is
 * the API the client speaks; a known host of another provider behind it (Groq through the `openai` client...)
 * is the provider named, so the call is priced as that provider's. An unknown host keeps the client's provider:
 * only that provider's models then have a price. The request's other attributes go into `rest`.
 */
export function baseRequestAttributes(provider: string, model: unknown, baseURL: unknown): RequestAttributes {
  const start: Attributes = {};
  const behind = addServerAttributes(start, baseURL);
  const name = behind ?? provider;
  start[GEN_AI_PROVIDER_NAME] = name;
  if (typeof model === 'string') start[GEN_AI_REQUEST_MODEL] = model;
  const rest: Attributes = {};
  rest[GEN_AI_SYSTEM] = name;
  return { start, rest };
}

/** Sets `key` when `value` is a finite number; most requests set few parameters, so most calls set nothing. */
export function addNumber(attrs: Attributes, key: string, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value)) attrs[key] = value;
}
