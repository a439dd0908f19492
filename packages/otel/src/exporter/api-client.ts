import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { AgentModel, EventModel, SessionModel, SessionStats } from '@agentops/model';

/** An answer of the AgentOps API that was not a success, after retries. */
export class ApiError extends Error {
  constructor(
    readonly status: number | undefined,
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  endpoint: string;
  apiKey: string;
  /** Total time one call may spend retrying network errors, 429 and 502–504. Default 30 s. */
  retryWindowMs?: number;
  /** Time one attempt may take before it is abandoned (a hanging server). Default 10 s. */
  requestTimeoutMs?: number;
}

const RETRYABLE = new Set([429, 502, 503, 504]);
/** The most of an answer the client reads: AgentOps answers are small; anything bigger is not one. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** Reads at most `limit` bytes of a body; undefined when it is longer (the rest is not downloaded). */
async function boundedText(res: Response, limit: number): Promise<string | undefined> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What a failed fetch says, with its cause (a refused connection is said so, not "fetch failed"). */
function describeNetworkError(e: unknown, endpoint: string): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const code = err?.cause?.code;
  if (code === 'ECONNREFUSED') return `connection refused by ${endpoint} (is the AgentOps server running?)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host of ${endpoint} not found (${code})`;
  if (code) return `${err.message}: ${code}${err.cause?.message ? ` (${err.cause.message})` : ''}`;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(e);
}
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;

/** Seconds or an HTTP date, as `Retry-After` may say; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with full jitter, or the server's `Retry-After` when it gave one. */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, random = Math.random): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return cap / 2 + random() * (cap / 2);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * The AgentOps v2 REST API (SPEC §4): API-key calls, session-scoped JWTs re-authorized once on 401, and
 * retries with backoff and jitter within a bounded window. Requests are made with tracing suppressed, so an
 * HTTP instrumentation in the app never traces our own export.
 */
export class AgentOpsApiClient {
  readonly endpoint: string;
  private readonly apiKey: string;
  private readonly retryWindowMs: number;
  private readonly requestTimeoutMs: number;
  /** Session id → JWT. */
  readonly jwts = new Map<string, string>();
  private readonly renewals = new Map<string, Promise<void>>();
  /** Aborted when the process is ending and its time to deliver is up: nothing more is sent or retried. */
  private readonly abandoned = new AbortController();
  /** Why the last attempt failed, for what is said when the process ends before a retry succeeded. */
  private lastFailure: string | undefined;

  /** True once {@link abandon} was called. */
  get isAbandoned(): boolean {
    return this.abandoned.signal.aborted;
  }

  /** Why deliveries were failing, if they were: " (the last attempt failed: …)". */
  lastFailureNote(): string {
    return this.lastFailure ? ` (the last attempt failed: ${this.lastFailure})` : '';
  }

  /** Stops every request in flight and every retry: the process is ending (see lifecycle.ts). */
  abandon(): void {
    this.abandoned.abort(new Error('the process is ending and its time to deliver is up'));
  }

  constructor(options: ApiClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.retryWindowMs = options.retryWindowMs ?? 30_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  async createSession(session: SessionModel): Promise<{ jwt: string; projectId?: string; sessionUrl?: string }> {
    const r = (await this.send('POST', '/v2/create_session', { session }, { apiKey: true })) as Record<string, unknown>;
    const jwt = String(r.jwt);
    this.jwts.set(session.session_id, jwt);
    return { jwt, projectId: typeof r.project_id === 'string' ? r.project_id : undefined, sessionUrl: r.session_url as string | undefined };
  }

  async updateSession(session: SessionModel): Promise<string | undefined> {
    const r = (await this.send('POST', '/v2/update_session', { session }, { sessionId: session.session_id })) as Record<string, unknown>;
    return typeof r.token_cost === 'string' ? r.token_cost : undefined;
  }

  async createEvents(sessionId: string, events: EventModel[]): Promise<void> {
    await this.send('POST', '/v2/create_events', { events }, { sessionId });
  }

  async createAgent(agent: AgentModel): Promise<void> {
    await this.send('POST', '/v2/create_agent', { id: agent.id, name: agent.name }, { sessionId: agent.session_id });
  }

  async sessionStats(sessionId: string): Promise<SessionStats> {
    return (await this.send('GET', `/v2/sessions/${encodeURIComponent(sessionId)}/stats`, undefined, { apiKey: true })) as SessionStats;
  }

  async exportSession(sessionId: string): Promise<Record<string, unknown>> {
    return (await this.send('GET', `/v2/sessions/${encodeURIComponent(sessionId)}/export`, undefined, { apiKey: true })) as Record<string, unknown>;
  }

  /**
   * One renewal per session at a time: batches in flight together that meet the same expired token share it,
   * so none is left holding a token that a later renewal replaced.
   */
  private reauthorize(sessionId: string, expired?: string): Promise<void> {
    const current = this.jwts.get(sessionId);
    if (expired !== undefined && current !== undefined && current !== expired) return Promise.resolve();
    let renewal = this.renewals.get(sessionId);
    if (!renewal) {
      renewal = this.send('POST', '/v2/reauthorize_jwt', { session_id: sessionId }, { apiKey: true })
        .then((r) => void this.jwts.set(sessionId, String((r as Record<string, unknown>).jwt)))
        .finally(() => this.renewals.delete(sessionId));
      this.renewals.set(sessionId, renewal);
    }
    return renewal;
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    auth: { apiKey: true } | { sessionId: string },
    reauthorized = false,
  ): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    let jwt: string | undefined;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if ('apiKey' in auth) headers['x-agentops-api-key'] = this.apiKey;
    else {
      jwt = this.jwts.get(auth.sessionId);
      if (!jwt) {
        await this.reauthorize(auth.sessionId);
        return this.send(method, path, body, auth, true);
      }
      headers.authorization = `Bearer ${jwt}`;
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const deadline = Date.now() + this.retryWindowMs;
    for (let attempt = 0; ; attempt++) {
      let status: number | undefined;
      let retryAfter: number | undefined;
      let failure: string;
      if (this.abandoned.signal.aborted) throw new ApiError(undefined, `${method} ${path} not sent: the process is ending${this.lastFailureNote()}`, path);
      try {
        const signal = AbortSignal.any([AbortSignal.timeout(this.requestTimeoutMs), this.abandoned.signal]);
        const res = await context.with(suppressTracing(context.active()), () => fetch(this.endpoint + path, { method, headers, body: payload, signal }));
        status = res.status;
        const text = await boundedText(res, MAX_ANSWER_BYTES);
        if (text === undefined) throw new ApiError(status, `${method} ${path} answered more than ${MAX_ANSWER_BYTES} bytes: not an AgentOps API`, path);
        if (res.ok) {
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            throw new ApiError(status, `${method} ${path} answered ${status} with a body that is not JSON: not an AgentOps API`, path);
          }
          // A 200 that says it failed is a refusal, not a delivery.
          const said = (parsed as { status?: unknown } | null)?.status;
          if (typeof said === 'string' && !/^success$/i.test(said)) {
            throw new ApiError(status, `${method} ${path} answered status "${said.slice(0, 100)}"`, path);
          }
          return parsed ?? {};
        }
        let message = text;
        try {
          message = String((JSON.parse(text) as { message?: unknown }).message ?? text);
        } catch {
          // not JSON: keep the text
        }
        message = message.slice(0, 500);
        if (status === 401 && 'sessionId' in auth && !reauthorized) {
          await this.reauthorize(auth.sessionId, jwt);
          return this.send(method, path, body, auth, true);
        }
        if (!RETRYABLE.has(status)) throw new ApiError(status, `${method} ${path} answered ${status}: ${message}`, path);
        retryAfter = parseRetryAfter(res.headers.get('retry-after'));
        failure = `${status}: ${message}`;
      } catch (e) {
        if (e instanceof ApiError) throw e;
        if (this.abandoned.signal.aborted) throw new ApiError(undefined, `${method} ${path} abandoned: the process is ending${this.lastFailureNote()}`, path);
        failure = describeNetworkError(e, this.endpoint);
      }
      this.lastFailure = failure;
      const delay = retryDelay(attempt, retryAfter);
      if (Date.now() + delay > deadline) {
        throw new ApiError(status, `${method} ${path} failed after ${attempt + 1} attempt(s) within ${this.retryWindowMs} ms: ${failure}`, path);
      }
      await sleep(delay);
    }
  }
}
