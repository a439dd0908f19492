import type { Attributes } from '@opentelemetry/api';
import * as A from '@agentops/model';
import { addServerAttributes } from './server.js';

const { GEN_AI_PROVIDER_NAME, GEN_AI_SYSTEM, GEN_AI_REQUEST_MODEL } = A;

/**
 * What every LLM request span starts with: provider (new and old key), server, requested model. `provider` is
 * the API the client speaks; a known host of another provider behind it (Groq through the `openai` client...)
 * is the provider named, so the call is priced as that provider's. An unknown host keeps the client's provider:
 * only that provider's models then have a price.
 */
export function baseRequestAttributes(provider: string, model: unknown, baseURL: unknown): Attributes {
  const attrs: Attributes = {};
  const behind = addServerAttributes(attrs, baseURL);
  attrs[GEN_AI_PROVIDER_NAME] = attrs[GEN_AI_SYSTEM] = behind ?? provider;
  if (typeof model === 'string') attrs[GEN_AI_REQUEST_MODEL] = model;
  return attrs;
}

/** Sets `key` when `value` is a finite number; most requests set few parameters, so most calls set nothing. */
export function addNumber(attrs: Attributes, key: string, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value)) attrs[key] = value;
}
