/** The AgentOps v2 wire model (SPEC §4). Field names are the wire's snake_case. */

export type EndState = 'Success' | 'Failure' | 'Indeterminate';
export const END_STATES: readonly EndState[] = ['Success', 'Failure', 'Indeterminate'];

export type EventType = 'llms' | 'actions' | 'tools' | 'errors';
export const EVENT_TYPES: readonly EventType[] = ['llms', 'actions', 'tools', 'errors'];

export interface SessionModel {
  session_id: string;
  init_timestamp: string;
  end_timestamp?: string | null;
  end_state?: EndState | null;
  end_state_reason?: string | null;
  tags: string[];
  host_env?: Record<string, unknown> | null;
  video?: string | null;
  /** True when this record comes from a process that joined the session (`inheritedSessionId`). */
  inherited?: boolean;
}

interface EventModelBase {
  id: string;
  session_id: string;
  init_timestamp: string;
  end_timestamp: string;
  agent_id?: string | null;
  /** The span this event came from, so a timeline can show nesting. */
  span_id?: string | null;
  parent_span_id?: string | null;
}

export interface LLMEventModel extends EventModelBase {
  event_type: 'llms';
  model: string | null;
  prompt: unknown;
  completion: unknown;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cache_read_tokens?: number | null;
  cache_creation_tokens?: number | null;
  reasoning_tokens?: number | null;
  /** USD; null when the model's price is unknown. */
  cost: number | null;
  params: unknown;
  returns: unknown;
  thread_id?: string | null;
  provider?: string | null;
  operation?: string | null;
  response_id?: string | null;
  finish_reasons?: string[] | null;
  time_to_first_token_ms?: number | null;
  error?: boolean;
}

export interface ActionEventModel extends EventModelBase {
  event_type: 'actions';
  action_type: string | null;
  logs: unknown;
  screenshot: string | null;
  params: unknown;
  returns: unknown;
}

export interface ToolEventModel extends EventModelBase {
  event_type: 'tools';
  name: string | null;
  logs: unknown;
  params: unknown;
  returns: unknown;
}

export interface ErrorEventModel extends EventModelBase {
  event_type: 'errors';
  trigger_event_id: string | null;
  trigger_event_type: string | null;
  error_type: string | null;
  code: string | null;
  details: string | null;
  logs: unknown;
  timestamp: string;
}

export type EventModel = LLMEventModel | ActionEventModel | ToolEventModel | ErrorEventModel;

export interface AgentModel {
  id: string;
  name: string;
  session_id: string;
}

/** Per-session totals (SPEC §4 `/stats`). */
export interface SessionStats {
  session_id: string;
  cost: string;
  events: number;
  prompt_tokens: number;
  completion_tokens: number;
  cache_read_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  errors: number;
  event_counts: Record<EventType, number>;
  duration_ms: number | null;
  end_state: EndState | null;
  /**
   * LLM events whose price is unknown (a model the price table does not know, or no tokens): `cost` is then the
   * priced part only — "unknown" is not "free".
   */
  unpriced_llm_calls: number;
}

/** Attribute values as OpenTelemetry allows them. */
export type AttributeValue =
  | string
  | number
  | boolean
  | ReadonlyArray<string | number | boolean | null | undefined>;
export type Attributes = Record<string, AttributeValue | undefined>;

/**
 * A span in a shape both the SDK (`ReadableSpan`) and the server (OTLP) can produce cheaply, so that one
 * converter serves both.
 */
export interface SpanLike {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** Epoch milliseconds (fractional). */
  startTimeMs: number;
  /** Undefined while the span is still open (a session announced at its start). */
  endTimeMs?: number;
  attributes: Attributes;
  /** 0 unset, 1 ok, 2 error — the OTLP numbering. */
  status: { code: number; message?: string };
  events?: ReadonlyArray<{ name: string; timeMs: number; attributes?: Attributes }>;
  resourceAttributes?: Attributes;
  scopeName?: string;
}
