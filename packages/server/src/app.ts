import { convertSpans, type EventModel, type SessionModel } from '@agentops/model';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Auth, type Principal } from './auth.js';
import { HttpError, badRequest, notFound } from './errors.js';
import { decodeOtlpJson, decodeOtlpProtobuf, gunzipBody } from './otlp.js';
import { agentBody, eventsBody, reauthorizeBody, sessionBody, tokenBody } from './schemas.js';
import { Store } from './store.js';
import { registerDashboard } from './dashboard.js';

export interface ServerOptions {
  /** SQLite file; created with its folder on first start. */
  db: string;
  /** Largest request body, bytes (after gzip inflation for OTLP). Default 16 MiB. */
  bodyLimit?: number;
  /** Lifetime of JWTs, seconds. Default 24 h. */
  jwtTtlSeconds?: number;
  /** Fastify's request logging. Default off. */
  logger?: boolean;
  /** Registers extra routes (the dashboard) on the app. */
  plugins?: Array<(app: FastifyInstance, ctx: { store: Store; auth: Auth }) => void | Promise<void>>;
}

const SQLITE_UNAVAILABLE = new Set(['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_BUSY', 'SQLITE_LOCKED']);

type SessionBody = { session: Omit<SessionModel, 'end_state'> & { end_state?: SessionModel['end_state'] | 'Fail' } };

function normalizeSession(s: SessionBody['session'], fallbackInit: string): SessionModel {
  return {
    session_id: s.session_id.toLowerCase(),
    init_timestamp: s.init_timestamp ?? fallbackInit,
    end_timestamp: s.end_timestamp ?? null,
    end_state: s.end_state === 'Fail' ? 'Failure' : (s.end_state ?? null),
    end_state_reason: s.end_state_reason ?? null,
    tags: s.tags ?? [],
    host_env: s.host_env ?? null,
    video: s.video ?? null,
    inherited: s.inherited === true,
  };
}

/**
 * The AgentOps-compatible HTTP API (SPEC §4 and §5) on a SQLite store. Every error answer is JSON
 * `{path, message}` with a 4xx status (503 when the disk refuses writes); the server keeps serving.
 */
export async function buildApp(options: ServerOptions): Promise<{ app: FastifyInstance; store: Store; auth: Auth }> {
  const bodyLimit = options.bodyLimit ?? 16 * 1024 * 1024;
  const store = new Store(options.db);
  const auth = new Auth(store, options.jwtTtlSeconds ?? 24 * 3600);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  });

  app.setErrorHandler((error: FastifyError & { sqliteCode?: string; code?: string }, request, reply) => {
    const path = request.url.split('?')[0];
    if (error instanceof HttpError) return reply.code(error.statusCode).send({ path, message: error.message });
    if (error.validation) {
      return reply.code(400).send({ path, message: `Invalid body: ${error.message}` });
    }
    if (error.code && SQLITE_UNAVAILABLE.has(error.code)) {
      request.log.error(error);
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ path, message: `Storage unavailable (${error.code}): ${error.message}. Retry later.` });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
      return reply.code(413).send({ path, message: `Request body is too large (limit ${bodyLimit} bytes)` });
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error(error);
    const message =
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
        ? `Malformed JSON body: ${error.message}`
        : status === 500
          ? 'Internal error'
          : error.message;
    return reply.code(status).send({ path, message });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ path: request.url.split('?')[0], message: `No route ${request.method} ${request.url.split('?')[0]}` });
  });

  // Ingest latency (create_events, OTLP), over the last requests: reported at /v2/server/metrics.
  const latencies = new Float64Array(10_000);
  let latencyCount = 0;
  app.addHook('onResponse', async (request, reply) => {
    const url = request.routeOptions.url;
    if (url === '/v2/create_events' || url === '/v1/traces') latencies[latencyCount++ % latencies.length] = reply.elapsedTime;
  });
  app.get('/v2/server/metrics', async (request: FastifyRequest) => {
    keyProject(request);
    const n = Math.min(latencyCount, latencies.length);
    const sorted = Array.from(latencies.subarray(0, n)).sort((a, b) => a - b);
    const at = (q: number) => (n ? Math.round(sorted[Math.min(n - 1, Math.floor(q * n))] * 100) / 100 : null);
    return { ingest: { requests: latencyCount, window: n, p50_ms: at(0.5), p99_ms: at(0.99), max_ms: n ? Math.round(sorted[n - 1] * 100) / 100 : null } };
  });

  const sessionUrl = (request: FastifyRequest, id: string) => `${request.protocol}://${request.host}/sessions/${id}`;
  const keyProject = (request: FastifyRequest) => auth.projectFromKey(request.headers['x-agentops-api-key']);

  /** A session-scoped JWT may only write its own session. */
  const sessionPrincipal = async (request: FastifyRequest): Promise<Required<Principal>> => {
    const p = await auth.fromBearer(request.headers.authorization);
    if (!p.sessionId) throw new HttpError(401, 'This token is not scoped to a session');
    return p as Required<Principal>;
  };

  const assertSessionFree = (projectId: string, sessionId: string) => {
    const owner = store.sessionOwner(sessionId);
    if (owner && owner !== projectId) throw notFound(`No session ${sessionId} in this project`);
  };

  app.post('/v2/create_session', { schema: { body: sessionBody } }, async (request: FastifyRequest<{ Body: SessionBody }>) => {
    const projectId = keyProject(request);
    const session = normalizeSession(request.body.session, new Date().toISOString());
    assertSessionFree(projectId, session.session_id);
    store.write(projectId, { sessions: [session] });
    return {
      status: 'Success',
      jwt: await auth.sessionToken(projectId, session.session_id),
      session_url: sessionUrl(request, session.session_id),
      project_id: projectId,
    };
  });

  app.post('/v2/update_session', { schema: { body: sessionBody } }, async (request: FastifyRequest<{ Body: SessionBody }>) => {
    const p = await sessionPrincipal(request);
    const session = normalizeSession(request.body.session, new Date().toISOString());
    if (session.session_id !== p.sessionId) throw notFound(`No session ${session.session_id} for this token`);
    store.write(p.projectId, { sessions: [session] });
    return { status: 'success', token_cost: store.stats(p.projectId, p.sessionId)!.cost };
  });

  app.post('/v2/create_events', { schema: { body: eventsBody } }, async (request: FastifyRequest<{ Body: { events: EventModel[] } }>) => {
    const p = await sessionPrincipal(request);
    if (!store.getSession(p.projectId, p.sessionId)) throw notFound(`No session ${p.sessionId} in this project`);
    const events = request.body.events.map((e) => {
      if (e.session_id && e.session_id.toLowerCase() !== p.sessionId) {
        throw badRequest(`Event ${e.id} names session ${e.session_id}, but the token is for session ${p.sessionId}`);
      }
      return { ...e, session_id: p.sessionId, end_timestamp: e.end_timestamp ?? e.init_timestamp } as EventModel;
    });
    const inserted = store.write(p.projectId, { events });
    return { status: 'Success', received: events.length, inserted };
  });

  app.post('/v2/create_agent', { schema: { body: agentBody } }, async (request: FastifyRequest<{ Body: { id: string; name: string } }>) => {
    const p = await sessionPrincipal(request);
    store.write(p.projectId, { agents: [{ id: request.body.id, name: request.body.name, session_id: p.sessionId }] });
    return { status: 'Success' };
  });

  app.post('/v2/reauthorize_jwt', { schema: { body: reauthorizeBody } }, async (request: FastifyRequest<{ Body: { session_id: string } }>) => {
    const projectId = keyProject(request);
    const id = request.body.session_id.toLowerCase();
    if (!store.getSession(projectId, id)) throw notFound(`No session ${id} in this project`);
    return { status: 'Success', jwt: await auth.sessionToken(projectId, id) };
  });

  app.get('/v2/sessions', async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>) => {
    const projectId = keyProject(request);
    const q = request.query;
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badRequest('limit must be a whole number from 1 to 1000');
    for (const k of ['before', 'after'] as const) {
      if (q[k] !== undefined && Number.isNaN(Date.parse(q[k]!))) throw badRequest(`${k} must be an ISO-8601 timestamp`);
    }
    const states = ['Success', 'Failure', 'Indeterminate', 'Running'];
    if (q.end_state !== undefined && !states.includes(q.end_state)) throw badRequest(`end_state must be one of ${states.join(', ')}`);
    const iso = (v?: string) => (v === undefined ? undefined : new Date(v).toISOString());
    if (q.before_id !== undefined && q.before === undefined) throw badRequest('before_id goes with before');
    return {
      sessions: store.listSessions(projectId, { tag: q.tag, endState: q.end_state, limit, before: iso(q.before), beforeId: q.before_id?.toLowerCase(), after: iso(q.after) }),
    };
  });

  const sessionParam = (request: FastifyRequest<{ Params: { id: string } }>) => {
    const id = request.params.id.toLowerCase();
    return { projectId: keyProject(request), id };
  };

  app.get('/v2/sessions/:id/stats', async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { projectId, id } = sessionParam(request);
    const stats = store.stats(projectId, id);
    if (!stats) throw notFound(`No session ${id} in this project`);
    return stats;
  });

  app.get('/v2/sessions/:id/export', async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { projectId, id } = sessionParam(request);
    const out = store.exportSession(projectId, id);
    if (!out) throw notFound(`No session ${id} in this project`);
    return out;
  });

  app.get('/v2/overview', async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>) => {
    const projectId = keyProject(request);
    const days = request.query.days === undefined ? 30 : Number(request.query.days);
    if (!Number.isInteger(days) || days < 1 || days > 366) throw badRequest('days must be a whole number from 1 to 366');
    return store.overview(projectId, new Date(Date.now() - (days - 1) * 86_400_000));
  });

  app.post('/v3/auth/token', { schema: { body: tokenBody } }, async (request: FastifyRequest<{ Body: { api_key: string } }>) => {
    const projectId = auth.projectFromKey(request.body.api_key);
    return { token: await auth.projectToken(projectId), project_id: projectId };
  });

  await app.register(async (otlp) => {
    otlp.removeAllContentTypeParsers();
    otlp.addContentTypeParser(['application/json', 'application/x-protobuf'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    otlp.post('/v1/traces', async (request: FastifyRequest<{ Body: Buffer }>, reply: FastifyReply) => {
      const header = request.headers['x-agentops-api-key'];
      const projectId = header !== undefined ? keyProject(request) : (await auth.fromBearer(request.headers.authorization)).projectId;
      let body = request.body;
      const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (encoding === 'gzip') body = gunzipBody(body, bodyLimit);
      else if (encoding !== 'identity') throw new HttpError(415, `Unsupported Content-Encoding ${encoding}`);
      let spans;
      if (String(request.headers['content-type']).startsWith('application/x-protobuf')) spans = decodeOtlpProtobuf(body);
      else {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch (e) {
          throw badRequest(`Malformed JSON body: ${(e as Error).message}`);
        }
        spans = decodeOtlpJson(parsed);
      }
      const batch = convertSpans(spans);
      for (const s of batch.sessions) assertSessionFree(projectId, s.session_id);
      for (const e of batch.events) assertSessionFree(projectId, e.session_id);
      store.write(projectId, batch);
      reply.header('content-type', 'application/json');
      return { partialSuccess: {} };
    });
  });

  registerDashboard(app);
  for (const plugin of options.plugins ?? []) await plugin(app, { store, auth });
  app.addHook('onClose', async () => store.close());
  return { app, store, auth };
}
