import type { Attributes } from '@opentelemetry/api';
import * as A from '@agentops/model';
import { addServerAttributes } from './server.js';

const { GEN_AI_PROVIDER_NAME, GEN_AI_SYSTEM, GEN_AI_REQUEST_MODEL } = A;

/** What every LLM request span starts with: provider (new and old key), server, requested model. */
export function baseRequestAttributes(provider: string, model: unknown, baseURL: unknown): Attributes {
  const attrs: Attributes = { [GEN_AI_PROVIDER_NAME]: provider, [GEN_AI_SYSTEM]: provider };
  addServerAttributes(attrs, baseURL);
  if (typeof model === 'string') attrs[GEN_AI_REQUEST_MODEL] = model;
  return attrs;
}

/** Sets `key` when `value` is a finite number; most requests set few parameters, so most calls set nothing. */
export function addNumber(attrs: Attributes, key: string, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value)) attrs[key] = value;
}
