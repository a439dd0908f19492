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

  private async reauthorize(sessionId: string): Promise<void> {
    const r = (await this.send('POST', '/v2/reauthorize_jwt', { session_id: sessionId }, { apiKey: true })) as Record<string, unknown>;
    this.jwts.set(sessionId, String(r.jwt));
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    auth: { apiKey: true } | { sessionId: string },
    reauthorized = false,
  ): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if ('apiKey' in auth) headers['x-agentops-api-key'] = this.apiKey;
    else {
      const jwt = this.jwts.get(auth.sessionId);
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
      try {
        const res = await context.with(suppressTracing(context.active()), () =>
          fetch(this.endpoint + path, { method, headers, body: payload, signal: AbortSignal.timeout(this.requestTimeoutMs) }),
        );
        status = res.status;
        const text = await res.text();
        if (res.ok) return text ? JSON.parse(text) : {};
        let message = text;
        try {
          message = String((JSON.parse(text) as { message?: unknown }).message ?? text);
        } catch {
          // not JSON: keep the text
        }
        if (status === 401 && 'sessionId' in auth && !reauthorized) {
          await this.reauthorize(auth.sessionId);
          return this.send(method, path, body, auth, true);
        }
        if (!RETRYABLE.has(status)) throw new ApiError(status, `${method} ${path} answered ${status}: ${message}`, path);
        retryAfter = parseRetryAfter(res.headers.get('retry-after'));
        failure = `${status}: ${message}`;
      } catch (e) {
        if (e instanceof ApiError) throw e;
        failure = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      }
      const delay = retryDelay(attempt, retryAfter);
      if (Date.now() + delay > deadline) {
        throw new ApiError(status, `${method} ${path} failed after ${attempt + 1} attempt(s) within ${this.retryWindowMs} ms: ${failure}`, path);
      }
      await sleep(delay);
    }
  }
}
