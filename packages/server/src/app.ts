import { isUuidString, LIMITS, type EventModel, type SessionModel } from '@agentops/model';
import http from 'node:http';
import { Readable } from 'node:stream';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Auth, type Principal } from './auth.js';
import { HttpError, badRequest, notFound } from './errors.js';
import { checkBatch } from './bounds.js';
import { OtlpDecoder } from './otlp-decoder.js';
import { agentBody, eventsBody, reauthorizeBody, sessionBody, tokenBody } from './schemas.js';
import { openStore, type Store } from './store/index.js';
import { registerDashboard } from './dashboard.js';
import { IngestTimings, type IngestMarks } from './ingest-timing.js';

export interface ServerOptions {
  /**
   * Where the data lives: a SQLite file (created with its folder on first start; one server per file), or a
   * `postgres://user@host:port/db` URL (any number of servers may share it).
   */
  db: string;
  /** Called for each PostgreSQL migration this server applied at start. */
  onMigration?: (name: string) => void;
  /** Largest request body, bytes (after gzip inflation for OTLP). Default 16 MiB. */
  bodyLimit?: number;
  /** Lifetime of JWTs, seconds. Default 24 h. */
  jwtTtlSeconds?: number;
  /** Fastify's request logging. Default off. */
  logger?: boolean;
  /** Time a client has to send a whole request (headers and body), ms. Default 30 s. */
  requestTimeoutMs?: number;
  /** Time a client has to send the request headers, ms. Default 10 s. */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open, ms. Default 5 s. */
  keepAliveTimeoutMs?: number;
  /** Registers extra routes (the dashboard) on the app. */
  plugins?: Array<(app: FastifyInstance, ctx: { store: Store; auth: Auth }) => void | Promise<void>>;
}

type SessionBody = { session: Omit<SessionModel, 'end_state'> & { end_state?: SessionModel['end_state'] | 'Fail' } };

/** A v2 session body as a model; `init_timestamp` may be missing (an update), the store keeps the known start then. */
function normalizeSession(s: SessionBody['session']): SessionModel {
  return {
    session_id: s.session_id.toLowerCase(),
    init_timestamp: s.init_timestamp as string,
    end_timestamp: s.end_timestamp ?? null,
    end_state: s.end_state === 'Fail' ? 'Failure' : (s.end_state ?? null),
    end_state_reason: s.end_state_reason ?? null,
    tags: s.tags ?? [],
    host_env: s.host_env ?? null,
    video: s.video ?? null,
    inherited: s.inherited === true,
  };
}

type AuthMode = 'key' | 'session' | 'key-or-bearer';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request is from, set from its headers before the body is read. */
    principal?: Principal;
    /** The phases of an ingest request's time, while it runs (see {@link IngestTimings}). */
    ingest?: IngestMarks;
  }
}

/** A request path as echoed in a `{path, message}` answer: at most 200 characters, no markup characters. */
function shownPath(url: string): string {
  const path = url.split('?')[0];
  const capped = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  return capped.replace(/[<>&"']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The AgentOps-compatible HTTP API (SPEC §4 and §5) on a store (SQLite or PostgreSQL). Every error answer is
 * JSON `{path, message}` with a 4xx status (503 when the storage refuses or is down); the server keeps serving.
 */
export async function buildApp(options: ServerOptions): Promise<{ app: FastifyInstance; store: Store; auth: Auth }> {
  const bodyLimit = options.bodyLimit ?? 16 * 1024 * 1024;
  const store = await openStore(options.db, { onMigration: options.onMigration });
  const auth = await Auth.create(store, options.jwtTtlSeconds ?? 24 * 3600);
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    // Slow clients cannot hold connections: the whole request within requestTimeout, its headers within
    // headersTimeout, checked every second; idle keep-alive connections close after keepAliveTimeout.
    serverFactory: (handler) =>
      http.createServer({ requestTimeout, headersTimeout, keepAliveTimeout: options.keepAliveTimeoutMs ?? 5000, connectionsCheckingInterval: 1000 }, handler),
    connectionTimeout: requestTimeout * 2,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  });
  const decoder = new OtlpDecoder();
  const timings = new IngestTimings();
  const isIngest = (request: FastifyRequest) => {
    const url = request.routeOptions.url;
    return url === '/v2/create_events' || url === '/v1/traces';
  };

  // Credentials are checked from the headers before a body is read (route config `auth`).
  app.addHook('onRequest', async (request) => {
    if (isIngest(request)) request.ingest = timings.begin();
    const mode = (request.routeOptions.config as { auth?: AuthMode } | undefined)?.auth;
    if (mode === 'key') request.principal = { projectId: await keyProject(request) };
    else if (mode === 'session') request.principal = await sessionPrincipal(request);
    else if (mode === 'key-or-bearer') {
      request.principal =
        request.headers['x-agentops-api-key'] !== undefined ? { projectId: await keyProject(request) } : await auth.fromBearer(request.headers.authorization);
    }
    timings.mark(request.ingest, 'auth_ms');
  });
  // Between these two hooks Fastify validates the body against the route's schema.
  app.addHook('preValidation', async (request) => timings.mark(request.ingest, 'receive_ms'));
  app.addHook('preHandler', async (request) => timings.mark(request.ingest, 'validate_ms'));
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });

  app.setErrorHandler((error: FastifyError & { code?: string }, request, reply) => {
    const path = shownPath(request.url);
    if (error instanceof HttpError) return reply.code(error.statusCode).send({ path, message: error.message });
    if (error.validation) {
      return reply.code(400).send({ path, message: `Invalid body: ${error.message}` });
    }
    const unavailable = store.unavailableCode(error);
    if (unavailable) {
      request.log.error(error);
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ path, message: `Storage unavailable (${unavailable}): ${error.message}. Retry later.` });
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
    // The path is echoed for the client's sake: capped, and with nothing a browser could take for markup.
    const path = shownPath(request.url);
    reply.code(404).send({ path, message: `No route ${request.method.slice(0, 16)} ${path}` });
  });

  // Ingest latency (create_events, OTLP), over the last requests: reported at /v2/server/metrics.
  const latencies = new Float64Array(10_000);
  let latencyCount = 0;
  app.addHook('onResponse', async (request, reply) => {
    if (!isIngest(request)) return;
    latencies[latencyCount++ % latencies.length] = reply.elapsedTime;
    timings.end(request.ingest);
  });
  app.get('/v2/server/metrics', async (request: FastifyRequest) => {
    await keyProject(request);
    const n = Math.min(latencyCount, latencies.length);
    const sorted = Array.from(latencies.subarray(0, n)).sort((a, b) => a - b);
    const at = (q: number) => (n ? Math.round(sorted[Math.min(n - 1, Math.floor(q * n))] * 100) / 100 : null);
    return {
      ingest: { requests: latencyCount, window: n, p50_ms: at(0.5), p99_ms: at(0.99), max_ms: n ? Math.round(sorted[n - 1] * 100) / 100 : null },
      // Where the ingest time went, summed over every ingest request since start.
      ingest_time: timings.report(),
    };
  });

  const sessionUrl = (request: FastifyRequest, id: string) => `${request.protocol}://${request.host}/sessions/${id}`;
  const keyProject = (request: FastifyRequest) => auth.projectFromKey(request.headers['x-agentops-api-key']);

  /** A session-scoped JWT may only write its own session. */
  const sessionPrincipal = async (request: FastifyRequest): Promise<Required<Principal>> => {
    const p = await auth.fromBearer(request.headers.authorization);
    if (!p.sessionId) throw new HttpError(401, 'This token is not scoped to a session');
    return p as Required<Principal>;
  };

  const assertSessionFree = async (projectId: string, sessionId: string) => {
    const owner = await store.sessionOwner(sessionId);
    if (owner && owner !== projectId) throw notFound(`No session ${sessionId} in this project`);
  };

  app.post('/v2/create_session', { schema: { body: sessionBody }, config: { auth: 'key' } }, async (request: FastifyRequest<{ Body: SessionBody }>) => {
    const projectId = request.principal!.projectId;
    const given = normalizeSession(request.body.session);
    const { sessions } = checkBatch({ sessions: [{ ...given, init_timestamp: given.init_timestamp ?? new Date().toISOString() }] }, { sessions: 'session' });
    const session = sessions[0];
    await assertSessionFree(projectId, session.session_id);
    // create_session of a known id is a join (an inherited session): it adds tags, never removes them.
    await store.write(projectId, { sessions: [session] }, { joinTags: true });
    return {
      status: 'Success',
      jwt: await auth.sessionToken(projectId, session.session_id, String(request.headers['x-agentops-api-key'])),
      session_url: sessionUrl(request, session.session_id),
      project_id: projectId,
    };
  });

  app.post('/v2/update_session', { schema: { body: sessionBody }, config: { auth: 'session' } }, async (request: FastifyRequest<{ Body: SessionBody }>) => {
    const p = request.principal as Required<Principal>;
    const session = checkBatch({ sessions: [normalizeSession(request.body.session)] }, { sessions: 'session' }).sessions[0];
    if (session.session_id !== p.sessionId) throw notFound(`No session ${session.session_id} for this token`);
    await store.write(p.projectId, { sessions: [session] });
    return { status: 'success', token_cost: (await store.stats(p.projectId, p.sessionId))!.cost };
  });

  app.post('/v2/create_events', { schema: { body: eventsBody }, config: { auth: 'session' } }, async (request: FastifyRequest<{ Body: { events: EventModel[] } }>) => {
    const p = request.principal as Required<Principal>;
    const events = await timings.time(request.ingest, 'validate_ms', async () => {
      if (!(await store.getSession(p.projectId, p.sessionId))) throw notFound(`No session ${p.sessionId} in this project`);
      const named = request.body.events.map((e) => {
        if (e.session_id && e.session_id.toLowerCase() !== p.sessionId) {
          throw badRequest(`Event ${e.id} names session ${e.session_id}, but the token is for session ${p.sessionId}`);
        }
        return { ...e, session_id: p.sessionId } as EventModel;
      });
      return checkBatch({ events: named }).events;
    });
    const inserted = await timings.time(request.ingest, 'store_ms', () => store.write(p.projectId, { events }));
    return { status: 'Success', received: events.length, inserted };
  });

  app.post('/v2/create_agent', { schema: { body: agentBody }, config: { auth: 'session' } }, async (request: FastifyRequest<{ Body: { id: string; name: string } }>) => {
    const p = request.principal as Required<Principal>;
    const { agents } = checkBatch({ agents: [{ id: request.body.id, name: request.body.name, session_id: p.sessionId }] });
    await store.write(p.projectId, { agents });
    return { status: 'Success' };
  });

  app.post('/v2/reauthorize_jwt', { schema: { body: reauthorizeBody }, config: { auth: 'key' } }, async (request: FastifyRequest<{ Body: { session_id: string } }>) => {
    const projectId = request.principal!.projectId;
    const id = request.body.session_id.toLowerCase();
    if (!(await store.getSession(projectId, id))) throw notFound(`No session ${id} in this project`);
    return { status: 'Success', jwt: await auth.sessionToken(projectId, id, String(request.headers['x-agentops-api-key'])) };
  });

  app.get('/v2/sessions', async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>) => {
    const projectId = await keyProject(request);
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
    if (q.before_id !== undefined && !isUuidString(q.before_id)) throw badRequest('before_id must be a session id (a UUID)');
    // Stored values never hold U+0000 (the ingest bounds refuse it): such a filter is a malformed query, not a miss.
    for (const k of ['tag', 'model', 'agent', 'q'] as const) {
      if (q[k]?.includes('\u0000')) throw badRequest(`${k} must not contain the character U+0000`);
      if (q[k] !== undefined && q[k]!.length > 1000) throw badRequest(`${k} must be at most 1000 characters`);
    }
    if (q.has_errors !== undefined && q.has_errors !== 'true' && q.has_errors !== 'false') throw badRequest('has_errors must be true or false');
    const usd = (k: 'min_cost' | 'max_cost') => {
      if (q[k] === undefined || q[k] === '') return undefined;
      const v = Number(q[k]);
      if (!Number.isFinite(v) || v < 0) throw badRequest(`${k} must be a number of dollars, 0 or more`);
      return v;
    };
    return {
      sessions: await store.listSessions(projectId, {
        tag: q.tag,
        endState: q.end_state,
        limit,
        before: iso(q.before),
        beforeId: q.before_id?.toLowerCase(),
        after: iso(q.after),
        model: q.model,
        agent: q.agent,
        hasErrors: q.has_errors === undefined ? undefined : q.has_errors === 'true',
        minCost: usd('min_cost'),
        maxCost: usd('max_cost'),
        search: q.q === undefined || q.q.trim() === '' ? undefined : q.q,
      }),
    };
  });

  app.get('/v2/project', async (request: FastifyRequest) => {
    const project = await store.project(await keyProject(request));
    if (!project) throw notFound('No such project');
    return project;
  });

  /** The session of a `/v2/sessions/:id/…` route: ids are UUIDs, anything else names no session. */
  const sessionParam = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const id = request.params.id.toLowerCase();
    const projectId = await keyProject(request);
    if (!isUuidString(id)) throw notFound(`No session ${request.params.id.slice(0, 64)} in this project`);
    return { projectId, id };
  };

  app.get('/v2/sessions/:id/events/:eventId', async (request: FastifyRequest<{ Params: { id: string; eventId: string } }>, reply: FastifyReply) => {
    const { projectId, id } = await sessionParam(request);
    const eventId = request.params.eventId;
    const data = eventId.length <= LIMITS.idChars && !eventId.includes('\u0000') ? await store.getEvent(projectId, id, eventId) : undefined;
    if (data === undefined) throw notFound(`No event ${eventId.slice(0, 64)} in session ${id}`);
    return reply.type('application/json; charset=utf-8').send(data);
  });

  app.get('/v2/sessions/:id/search', async (request: FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>) => {
    const { projectId, id } = await sessionParam(request);
    const q = request.query.q ?? '';
    if (q.includes('\u0000') || q.length > 1000) throw badRequest('q must be at most 1000 characters, without U+0000');
    if (!(await store.getSession(projectId, id))) throw notFound(`No session ${id} in this project`);
    return { event_ids: await store.searchSession(projectId, id, q) };
  });

  app.get('/v2/sessions/:id/stats', async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { projectId, id } = await sessionParam(request);
    const stats = await store.stats(projectId, id);
    if (!stats) throw notFound(`No session ${id} in this project`);
    return stats;
  });

  app.get('/v2/sessions/:id/export', async (request: FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>, reply: FastifyReply) => {
    const { projectId, id } = await sessionParam(request);
    const fields = request.query.fields;
    if (fields !== undefined && fields !== 'summary' && fields !== 'all') throw badRequest('fields must be summary or all');
    const chunks = await store.exportSessionJson(projectId, id, { summary: fields === 'summary' });
    if (!chunks) throw notFound(`No session ${id} in this project`);
    // Streamed page by page: a session of any size is exported in bounded memory.
    return reply.type('application/json; charset=utf-8').send(Readable.from(chunks));
  });

  app.get('/v2/overview', async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>) => {
    const projectId = await keyProject(request);
    const days = request.query.days === undefined ? 30 : Number(request.query.days);
    if (!Number.isInteger(days) || days < 1 || days > 366) throw badRequest('days must be a whole number from 1 to 366');
    return store.overview(projectId, new Date(Date.now() - (days - 1) * 86_400_000));
  });

  app.post('/v3/auth/token', { schema: { body: tokenBody }, bodyLimit: 4096 }, async (request: FastifyRequest<{ Body: { api_key: string } }>) => {
    const projectId = await auth.projectFromKey(request.body.api_key);
    return { token: await auth.projectToken(projectId, request.body.api_key), project_id: projectId };
  });

  await app.register(async (otlp) => {
    otlp.removeAllContentTypeParsers();
    otlp.addContentTypeParser(['application/json', 'application/x-protobuf'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    otlp.post('/v1/traces', { config: { auth: 'key-or-bearer' } }, async (request: FastifyRequest<{ Body: Buffer }>, reply: FastifyReply) => {
      const principal = request.principal!;
      const projectId = principal.projectId;
      const decoded = await timings.time(request.ingest, 'decode_ms', () => decoder.decode({
        body: request.body,
        contentType: String(request.headers['content-type'] ?? ''),
        encoding: String(request.headers['content-encoding'] ?? 'identity'),
        bodyLimit,
        maxSpans: LIMITS.eventsPerRequest,
      }));
      const batch = await timings.time(request.ingest, 'validate_ms', async () => {
        const checked = checkBatch(decoded, { sessions: 'spans (sessions)', events: 'spans (events)' });
        const touched = new Set([...checked.sessions.map((s) => s.session_id), ...checked.events.map((e) => e.session_id), ...checked.agents.map((a) => a.session_id)]);
        for (const id of touched) {
          // A session token writes only into its own session.
          if (principal.sessionId && id !== principal.sessionId) throw notFound(`No session ${id} for this token (it is scoped to session ${principal.sessionId})`);
          await assertSessionFree(projectId, id);
        }
        return checked;
      });
      // Spans add tags, never remove them: a span of a joining process or one without tags says nothing of the rest.
      await timings.time(request.ingest, 'store_ms', () => store.write(projectId, batch, { joinTags: true }));
      reply.header('content-type', 'application/json');
      return { partialSuccess: {} };
    });
  });

  registerDashboard(app);
  for (const plugin of options.plugins ?? []) await plugin(app, { store, auth });
  app.addHook('onClose', async () => {
    await decoder.close();
    await store.close();
  });
  return { app, store, auth };
}
