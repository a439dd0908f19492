import { randomUUID } from 'node:crypto';
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import * as A from '@agentops/model';
import { formatCost, rootSpanIdFor, traceIdToUuid, uuidToTraceId, type EndState } from '@agentops/model';
import { nowMs } from './clock.js';
import type { ResolvedConfig } from './config.js';
import { withSession } from './context.js';
import { eventSpanShape } from './event-attributes.js';
import { isAgentOpsEvent, type AnyEvent } from './events.js';
import { hostEnv } from './host-env.js';
import type { SessionIdGenerator } from './id-generator.js';
import { logger } from './logger.js';
import { endOpenLlmCalls } from './open-calls.js';
import { toAttributeString } from './serialize.js';

/** What `endSession` accepts: the three end states, and `'Fail'` as an alias of `'Failure'`. */
export type EndStateInput = EndState | 'Fail';

/** The counts and totals `getAnalytics()` reports, keys as in AgentOps. */
export interface SessionAnalytics {
  'LLM calls': number;
  'Tool calls': number;
  Actions: number;
  Errors: number;
  Duration: string;
  Cost: string;
}

/** What a session needs from the SDK that created it. */
export interface SessionHost {
  readonly config: ResolvedConfig;
  readonly tracer: Tracer;
  readonly idGenerator: SessionIdGenerator | undefined;
  /** A session's root span is about to start: make sure the async context carries values. */
  ensureContext(): void;
  /** The session's root span started (it is announced): say so. */
  sessionAnnounced(session: Session): void;
  /** The session ended (its root span is closed): forget it as live. */
  sessionEnded(session: Session): void;
  /** Sends what was recorded, within a bounded time (`maxWaitTime` + 5 s). */
  flush(): Promise<void>;
  /** The cost the server computed for a session, when it answered. */
  serverCost(sessionId: string): string | undefined;
  sessionUrl(sessionId: string): string;
}

/** Options of {@link startSession}. */
export interface StartSessionOptions {
  tags?: string[];
  /** Join a session another process started: its id. */
  inheritedSessionId?: string;
  /**
   * @internal The parent span in the starting process (W3C `traceparent`), for a joining process: its
   * session span nests under the span that started it.
   */
  parent?: { traceId: string; spanId: string };
  /** @internal the session's own resolved configuration (`startSession({ config })`), else the client's */
  config?: ResolvedConfig;
  /**
   * @internal Announce the session (start its root span, tell the server) only when it is first used: the
   * preload's session, so a process that records nothing leaves no session behind.
   */
  deferred?: boolean;
  /** @internal when the session began, epoch ms: the preload's start, when AgentOps loaded later */
  startMs?: number;
}

const ALLOWED_END_STATES = "'Success', 'Failure', 'Indeterminate' (or 'Fail' for 'Failure')";

/** Normalises an end state; undefined for anything not allowed. */
export function toEndState(v: unknown): EndState | undefined {
  if (v === 'Fail') return 'Failure';
  return v === 'Success' || v === 'Failure' || v === 'Indeterminate' ? v : undefined;
}

/** "1h 2m 3.4s", as AgentOps formats durations. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', `${s.toFixed(1)}s`].filter(Boolean).join(' ');
}

/**
 * One run of the user's agent. It is a root span that stays open until the session ends; every event is a
 * child span of it. Create sessions with `init()` or `startSession()`.
 */
export class Session {
  /** The session id: the OpenTelemetry trace id written as a UUID. */
  readonly id: string;
  readonly initTimestamp: string;
  readonly hostEnv: Record<string, unknown>;
  /** True when this process joined a session started elsewhere. */
  readonly inherited: boolean;

  private readonly host: SessionHost;
  /** @internal the configuration this session follows: its own, else the one of `init()` */
  readonly _config: ResolvedConfig;
  /** @internal what the LLM instrumentations follow for calls made in this session */
  readonly _settings: Readonly<{ captureContent: boolean; maxFieldSize: number; streamUsage: boolean }>;
  private span: Span | undefined;
  private readonly traceId: string;
  private readonly remoteParent: Context | undefined;
  /** @internal the context events of this session are recorded in */
  readonly _context: Context;
  private readonly startMs: number;
  private endMs: number | undefined;
  private counts = { llms: 0, tools: 0, actions: 0, errors: 0 };
  private costUsd = 0;
  private endPromise: Promise<string> | undefined;
  private _projectId: string | undefined;
  private _endTimestamp: string | undefined;
  private _endState: EndState | undefined;
  private _endStateReason: string | undefined;
  private _tags: string[];
  private _video: string | undefined;

  /** @internal use `startSession` */
  constructor(host: SessionHost, options: StartSessionOptions = {}) {
    this.host = host;
    const cfg = (this._config = options.config ?? host.config);
    this._settings = Object.freeze({ captureContent: cfg.captureContent, maxFieldSize: cfg.maxFieldSize, streamUsage: cfg.streamUsage });
    this.startMs = options.startMs ?? nowMs();
    this.initTimestamp = new Date(this.startMs).toISOString();
    this._tags = unique([...cfg.defaultTags, ...(options.tags ?? [])]);
    this.hostEnv = hostEnv(cfg.envDataOptOut);

    const inheritedTraceId = options.inheritedSessionId ? uuidToTraceId(options.inheritedSessionId) : undefined;
    this.inherited = inheritedTraceId !== undefined;
    this.traceId = inheritedTraceId ?? randomUUID().replace(/-/g, '');
    this.id = traceIdToUuid(this.traceId);
    // The root span's ids are known before it starts (the trace id is the session id, the span id derived
    // from it): events recorded in this context are its children whenever the root span itself starts.
    const root = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: this.traceId,
      spanId: rootSpanIdFor(this.id),
      traceFlags: TraceFlags.SAMPLED,
      isRemote: this.inherited,
    });
    if (this.inherited) {
      // The root span lives in the process that started the session; ours is a child of it (or of the span
      // that started this process, from TRACEPARENT), and every event we record hangs under the root.
      const parent = options.parent?.traceId === this.traceId ? options.parent : undefined;
      this.remoteParent = parent
        ? trace.setSpanContext(ROOT_CONTEXT, { traceId: this.traceId, spanId: parent.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true })
        : root;
    }
    this._context = withSession(root, this);
    if (!options.deferred) this._announce();
  }

  /** The server's project id, once the server has answered. */
  get projectId(): string | undefined {
    return this._projectId;
  }
  /** When the session ended (ISO-8601), once it has. */
  get endTimestamp(): string | undefined {
    return this._endTimestamp;
  }
  /** How the session ended, once it has. */
  get endState(): EndState | undefined {
    return this._endState;
  }
  get endStateReason(): string | undefined {
    return this._endStateReason;
  }
  /** The session's tags; change them with `addTags` / `setTags`. */
  get tags(): readonly string[] {
    return this._tags;
  }
  /** The video linked with `setVideo`. */
  get video(): string | undefined {
    return this._video;
  }

  /** @internal the server told us the project */
  _setProjectId(projectId: string): void {
    this._projectId = projectId;
  }

  /** True once the root span started and the session was announced to the exporter. */
  get announced(): boolean {
    return this.span !== undefined;
  }

  /** @internal starts the root span now, if it has not started yet (the session is first used) */
  _announce(): void {
    if (this.span || this.ended) return;
    const cfg = this._config;
    const attributes: Record<string, string | string[] | boolean> = {
      [A.ATTR_SPAN_KIND]: 'session',
      [A.ATTR_SESSION_ID]: this.id,
      [A.ATTR_SESSION_TAGS]: this._tags,
    };
    const env = toAttributeString(this.hostEnv, cfg.maxFieldSize);
    if (env !== undefined) attributes[A.ATTR_HOST_ENV] = env;
    if (this._video !== undefined) attributes[A.ATTR_SESSION_VIDEO] = this._video;
    if (this.inherited) attributes[A.ATTR_SESSION_INHERITED] = true;
    try {
      this.host.ensureContext();
      const tracer = this.host.tracer;
      if (this.remoteParent) {
        this.span = tracer.startSpan('session', { kind: SpanKind.INTERNAL, attributes, startTime: this.startMs }, this.remoteParent);
      } else {
        const start = (): Span => tracer.startSpan('session', { root: true, kind: SpanKind.INTERNAL, attributes, startTime: this.startMs }, ROOT_CONTEXT);
        const gen = this.host.idGenerator;
        this.span = gen ? gen.withIds(this.traceId, rootSpanIdFor(this.id), start) : start();
      }
    } catch (e) {
      logger.debug(`starting the session span failed: ${String(e)}`);
      return;
    }
    this.host.sessionAnnounced(this);
  }

  /** True once `endSession` was called (or the process ended it). */
  get ended(): boolean {
    return this.endMs !== undefined;
  }

  /** Records an event as a child span of this session. Never throws; after the end it warns and ignores. */
  record(event: AnyEvent): void {
    try {
      if (!isAgentOpsEvent(event)) {
        logger.warn(`record() expects an ActionEvent, LLMEvent, ToolEvent or ErrorEvent; got ${describeValue(event)}. It is ignored.`);
        return;
      }
      if (this.ended) {
        logger.once('warn', `ended:${this.id}`, `record() after endSession() of session ${this.id} is ignored.`);
        return;
      }
      this._announce();
      const end = (event._endMs ??= nowMs());
      const shape = eventSpanShape(event, this._config);
      const span = this.host.tracer.startSpan(
        shape.name,
        { kind: shape.kind, attributes: shape.attributes, startTime: event._startMs },
        this._context,
      );
      if (event.eventType === 'errors') {
        span.setStatus({ code: SpanStatusCode.ERROR, message: event.details });
        if (event.exception instanceof Error) span.recordException(event.exception, event._startMs);
      }
      // Counted by the processor as the span ends, like every instrumentation's event.
      span.end(end);
    } catch (e) {
      logger.debug(`record() failed: ${String(e)}`);
    }
  }

  /** @internal counts an event in the analytics */
  count(type: 'llms' | 'tools' | 'actions' | 'errors', costUsd?: number | null): void {
    this._announce();
    this.counts[type]++;
    if (typeof costUsd === 'number' && Number.isFinite(costUsd) && costUsd > 0) this.costUsd += costUsd;
  }

  /** Adds tags (duplicates are ignored). */
  addTags(tags: string[]): void {
    if (!this.checkTags(tags, 'addTags')) return;
    this._tags = unique([...this._tags, ...tags]);
    this._announce();
    this.span?.setAttribute(A.ATTR_SESSION_TAGS, this._tags);
  }

  /** Replaces the tags. */
  setTags(tags: string[]): void {
    if (!this.checkTags(tags, 'setTags')) return;
    this._tags = unique(tags);
    this._announce();
    this.span?.setAttribute(A.ATTR_SESSION_TAGS, this._tags);
  }

  private checkTags(tags: unknown, method: string): tags is string[] {
    let valid = false;
    try {
      valid = Array.isArray(tags) && tags.every((t) => typeof t === 'string');
    } catch {
      valid = false;
    }
    if (valid) {
      if (this.ended) logger.warn(`${method}() on ended session ${this.id}: the server may not see the change.`);
      return true;
    }
    logger.warn(`${method}() expects an array of strings; got ${describeValue(tags)}. Ignored.`);
    return false;
  }

  /** Links a screen recording of the run. */
  setVideo(url: string): void {
    this._video = String(url);
    this._announce();
    this.span?.setAttribute(A.ATTR_SESSION_VIDEO, this._video);
  }

  /** Runs `fn` with this session bound to the async context: events and LLM calls inside belong to it. */
  run<T>(fn: () => T): T {
    this._announce();
    return context.with(this._context, fn);
  }

  /** Declares an agent of this session; returns its id, for `agentId` on events. */
  createAgent(name: string, id: string = randomUUID()): string {
    try {
      this._announce();
      const span = this.host.tracer.startSpan(
        `agent ${name}`,
        { kind: SpanKind.INTERNAL, attributes: { [A.ATTR_SPAN_KIND]: 'agent', [A.ATTR_AGENT_ID]: id, [A.ATTR_AGENT_NAME]: String(name) } },
        this._context,
      );
      span.end();
    } catch (e) {
      logger.debug(`createAgent() failed: ${String(e)}`);
    }
    return id;
  }

  /** Counts, duration and cost, computed locally without any network call. */
  getAnalytics(): SessionAnalytics {
    return {
      'LLM calls': this.counts.llms,
      'Tool calls': this.counts.tools,
      Actions: this.counts.actions,
      Errors: this.counts.errors,
      Duration: formatDuration((this.endMs ?? nowMs()) - this.startMs),
      Cost: formatCost(this.costUsd),
    };
  }

  /** The total cost recorded so far, USD. */
  get cost(): string {
    return formatCost(this.costUsd);
  }

  /**
   * Ends the session, flushes its events and resolves to its total cost in USD ("0.000450"). Never rejects
   * because the network is down. An end state other than Success, Failure (or Fail) and Indeterminate
   * rejects with a TypeError naming the allowed values, and the session stays open. A second call warns
   * and resolves to the same cost.
   */
  endSession(endState: EndStateInput, endStateReason?: string): Promise<string> {
    const state = toEndState(endState);
    if (!state) {
      return Promise.reject(
        new TypeError(`AgentOps: invalid end state ${describeValue(endState)}; expected ${ALLOWED_END_STATES}. The session stays open.`),
      );
    }
    if (this.endPromise) {
      logger.warn(`session ${this.id} was already ended (${this.endState}); endSession() changes nothing.`);
      return this.endPromise;
    }
    this._announce();
    this._end(state, endStateReason);
    this.endPromise = this.host
      .flush()
      .catch(() => undefined)
      .then(() => this.host.serverCost(this.id) ?? formatCost(this.costUsd));
    return this.endPromise;
  }

  /** @internal ends the root span synchronously (also used at process exit, where nothing async runs) */
  _end(state: EndState, reason?: string): void {
    if (this.ended) return;
    this.endMs = nowMs();
    this._endTimestamp = new Date(this.endMs).toISOString();
    this._endState = state;
    this._endStateReason = reason;
    endOpenLlmCalls(this.traceId);
    // A session never used (the preload's, in a process that recorded nothing) leaves nothing behind.
    if (!this.span) {
      this.host.sessionEnded(this);
      return;
    }
    try {
      this.span.setAttribute(A.ATTR_SESSION_END_STATE, state);
      if (reason !== undefined) {
        this.span.setAttribute(A.ATTR_SESSION_END_STATE_REASON, toAttributeString(reason, this._config.maxFieldSize) ?? '');
      }
      if (state === 'Success') this.span.setStatus({ code: SpanStatusCode.OK });
      else if (state === 'Failure') this.span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
      this.span.end(this.endMs);
    } catch (e) {
      logger.debug(`ending session span failed: ${String(e)}`);
    }
    this.host.sessionEnded(this);
  }
}

function unique(tags: string[]): string[] {
  return [...new Set(tags.filter((t) => typeof t === 'string' && t !== ''))];
}

function describeValue(v: unknown): string {
  try {
    if (v === null) return 'null';
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
    return typeof v;
  } catch {
    return 'an unreadable value';
  }
}
