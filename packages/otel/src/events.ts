import { randomUUID } from 'node:crypto';
import { nowMs, toEpochMs } from './clock.js';

/** A point in time as an event accepts it. */
export type Timestamp = Date | string | number;

/** Fields every event has. */
export interface EventInit {
  /** Defaults to a new UUID. */
  id?: string;
  /** Defaults to the moment the event is created. */
  initTimestamp?: Timestamp;
  /** Defaults to the moment the event is recorded. */
  endTimestamp?: Timestamp;
  /** The agent (see `Session.createAgent`) this event belongs to. */
  agentId?: string;
}

/** Base of the four event classes. Timestamps are ISO-8601 UTC strings. */
export abstract class AgentOpsEvent {
  /** The wire name of this kind of event. */
  abstract readonly eventType: 'llms' | 'actions' | 'tools' | 'errors';
  readonly id: string;
  agentId?: string;
  /** @internal epoch ms, sub-ms precise */
  _startMs: number;
  /** @internal */
  _endMs?: number;

  constructor(init: EventInit = {}) {
    this.id = init.id ?? randomUUID();
    this.agentId = init.agentId;
    this._startMs = toEpochMs(init.initTimestamp) ?? nowMs();
    this._endMs = toEpochMs(init.endTimestamp);
  }

  get initTimestamp(): string {
    return new Date(this._startMs).toISOString();
  }

  get endTimestamp(): string | undefined {
    return this._endMs === undefined ? undefined : new Date(this._endMs).toISOString();
  }

  set endTimestamp(t: Timestamp | undefined) {
    this._endMs = toEpochMs(t);
  }
}

/** Something the agent did: a search, a browser step, a decision. */
export class ActionEvent extends AgentOpsEvent {
  readonly eventType = 'actions' as const;
  actionType?: string;
  params?: unknown;
  returns?: unknown;
  logs?: unknown;
  /** A URL or data URI of a screenshot. */
  screenshot?: string;

  constructor(init: EventInit & { actionType?: string; params?: unknown; returns?: unknown; logs?: unknown; screenshot?: string } = {}) {
    super(init);
    this.actionType = init.actionType;
    this.params = init.params;
    this.returns = init.returns;
    this.logs = init.logs;
    this.screenshot = init.screenshot;
  }
}

/** A tool the agent called. */
export class ToolEvent extends AgentOpsEvent {
  readonly eventType = 'tools' as const;
  name?: string;
  params?: unknown;
  returns?: unknown;
  logs?: unknown;

  constructor(init: EventInit & { name?: string; params?: unknown; returns?: unknown; logs?: unknown } = {}) {
    super(init);
    this.name = init.name;
    this.params = init.params;
    this.returns = init.returns;
    this.logs = init.logs;
  }
}

/** Fields of an LLM call recorded by hand (calls of instrumented clients are captured automatically). */
export interface LLMEventInit extends EventInit {
  model?: string;
  /** Provider as in `gen_ai.provider.name` (`openai`, `anthropic`, ...): helps find the price. */
  provider?: string;
  prompt?: unknown;
  completion?: unknown;
  /** All input tokens, cache reads and writes included (the GenAI convention). */
  promptTokens?: number;
  completionTokens?: number;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
  reasoningTokens?: number;
  /** USD. When given it wins over the price table. */
  cost?: number;
  params?: unknown;
  returns?: unknown;
  threadId?: string;
}

/** One call to a language model. */
export class LLMEvent extends AgentOpsEvent {
  readonly eventType = 'llms' as const;
  model?: string;
  provider?: string;
  prompt?: unknown;
  completion?: unknown;
  promptTokens?: number;
  completionTokens?: number;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
  reasoningTokens?: number;
  cost?: number;
  params?: unknown;
  returns?: unknown;
  threadId?: string;

  constructor(init: LLMEventInit = {}) {
    super(init);
    this.model = init.model;
    this.provider = init.provider;
    this.prompt = init.prompt;
    this.completion = init.completion;
    this.promptTokens = init.promptTokens;
    this.completionTokens = init.completionTokens;
    this.cacheReadTokens = init.cacheReadTokens;
    this.cacheCreationTokens = init.cacheCreationTokens;
    this.reasoningTokens = init.reasoningTokens;
    this.cost = init.cost;
    this.params = init.params;
    this.returns = init.returns;
    this.threadId = init.threadId;
  }
}

/** Fields of an error: either an `exception`, or `errorType` / `details` by hand. */
export interface ErrorEventInit extends EventInit {
  /** The event during which the error happened. */
  triggerEvent?: AgentOpsEvent;
  exception?: unknown;
  errorType?: string;
  code?: string;
  details?: string;
  logs?: unknown;
}

/** An error, optionally tied to the event that triggered it. */
export class ErrorEvent extends AgentOpsEvent {
  readonly eventType = 'errors' as const;
  triggerEvent?: AgentOpsEvent;
  exception?: unknown;
  errorType?: string;
  code?: string;
  details?: string;
  logs?: unknown;

  constructor(init: ErrorEventInit = {}) {
    super(init);
    this.triggerEvent = init.triggerEvent;
    this.exception = init.exception;
    this.errorType = init.errorType;
    this.details = init.details;
    this.code = init.code;
    this.logs = init.logs;
    const ex = init.exception;
    try {
      const isErr = ex instanceof Error;
      this.errorType ??= isErr ? ex.name || ex.constructor.name : ex === undefined ? undefined : typeof ex;
      this.details ??= isErr ? ex.message : ex === undefined ? undefined : safeString(ex);
      this.code ??= isErr && 'code' in ex && ex.code !== undefined ? String(ex.code) : undefined;
      this.logs ??= isErr ? ex.stack : undefined;
    } catch {
      // A hostile "exception" (a Proxy whose traps throw): keep what could be read, never throw at the app.
      this.errorType ??= 'unreadable';
    }
  }
}

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return '[unprintable]';
  }
}

/** Any of the four event classes. */
export type AnyEvent = ActionEvent | LLMEvent | ToolEvent | ErrorEvent;

const EVENT_TYPES = new Set(['llms', 'actions', 'tools', 'errors']);

/**
 * Recognises events by shape rather than `instanceof`, so an event made by the ESM build is accepted by the
 * CommonJS build loaded in the same process (the dual-package hazard).
 */
export function isAgentOpsEvent(v: unknown): v is AnyEvent {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Partial<AgentOpsEvent>;
  return typeof e.eventType === 'string' && EVENT_TYPES.has(e.eventType) && typeof e.id === 'string' && typeof e._startMs === 'number';
}
