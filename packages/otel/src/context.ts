import { createContextKey, type Context } from '@opentelemetry/api';
import type { Session } from './session.js';

// A global symbol, so the ESM and CommonJS builds loaded in one process share the key.
const SESSION_KEY = createContextKey('agentops.session');

export function withSession(ctx: Context, session: Session): Context {
  return ctx.setValue(SESSION_KEY, session);
}

export function sessionFromContext(ctx: Context): Session | undefined {
  return ctx.getValue(SESSION_KEY) as Session | undefined;
}
