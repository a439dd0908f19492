import { isUuid } from '@agentops/model';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { badRequest, unauthorized } from './errors.js';
import { hashApiKey, type Store } from './store/index.js';

/** What a request is allowed to touch. */
export interface Principal {
  projectId: string;
  /** Set for a session-scoped JWT: the only session it may write. */
  sessionId?: string;
}

/**
 * API keys (UUIDs, stored hashed) and JWTs (HS256, secret generated on first start and kept in the store).
 * A session JWT is scoped to one session; a project token (`/v3/auth/token`) to one project's OTLP ingest.
 */
export class Auth {
  private constructor(
    private readonly store: Store,
    private readonly ttlSeconds: number,
    private readonly secret: Uint8Array,
  ) {}

  /** Auth on a store: the secret is read from it (made there the first time), shared by every replica. */
  static async create(store: Store, ttlSeconds: number): Promise<Auth> {
    return new Auth(store, ttlSeconds, await store.jwtSecret());
  }

  /** The project of the API key in `X-Agentops-Api-Key`; 401 if missing or unknown, 400 if malformed. */
  async projectFromKey(key: string | string[] | undefined): Promise<string> {
    if (key === undefined || key === '') throw unauthorized('Missing API key (X-Agentops-Api-Key header)');
    if (typeof key !== 'string' || !isUuid(key)) throw badRequest('Invalid API key format');
    const project = await this.store.projectForKey(key);
    if (!project) throw unauthorized('Unknown API key');
    return project;
  }

  /**
   * A token names the key it was made with (its hash), so it stops working when that key or its project is
   * deleted, not only when it expires.
   */
  async sessionToken(projectId: string, sessionId: string, apiKey: string): Promise<string> {
    return this.sign({ project_id: projectId, session_id: sessionId, typ: 'session', kh: hashApiKey(apiKey) });
  }

  async projectToken(projectId: string, apiKey: string): Promise<string> {
    return this.sign({ project_id: projectId, typ: 'project', kh: hashApiKey(apiKey) });
  }

  private sign(claims: Record<string, string>): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      // `exp` has whole seconds and is checked against the floored clock: rounding up makes a token live at
      // least its TTL, where rounding down could leave a 1 s token dead before the request it was renewed for.
      .setExpirationTime(Math.ceil(Date.now() / 1000) + this.ttlSeconds)
      .sign(this.secret);
  }

  /** Checks `Authorization: Bearer <jwt>`; 401 for missing, forged or expired tokens. */
  async fromBearer(header: string | undefined): Promise<Principal> {
    const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!m) throw unauthorized('Missing bearer token (Authorization: Bearer <jwt>)');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(m[1], this.secret, { algorithms: ['HS256'] }));
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw unauthorized('Expired token');
      throw unauthorized('Invalid token');
    }
    if (typeof payload.project_id !== 'string' || typeof payload.kh !== 'string') throw unauthorized('Invalid token');
    // Outside the try: a store that is down is a 503 (retry later), not a token to re-authorize.
    if (!(await this.store.keyHashBelongs(payload.kh, payload.project_id))) throw unauthorized('Revoked token: its API key or project was deleted');
    return { projectId: payload.project_id, sessionId: typeof payload.session_id === 'string' ? payload.session_id : undefined };
  }
}
