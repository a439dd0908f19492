import { createHash } from 'node:crypto';

const HEX32 = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its 8-4-4-4-12 form. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** A session id is its OpenTelemetry trace id written as a UUID. */
export function traceIdToUuid(traceId: string): string {
  const t = traceId.toLowerCase();
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-${t.slice(12, 16)}-${t.slice(16, 20)}-${t.slice(20, 32)}`;
}

/** The trace id of a session id; undefined if it is not a UUID. */
export function uuidToTraceId(uuid: string): string | undefined {
  if (!isUuid(uuid)) return undefined;
  const hex = uuid.replace(/-/g, '').toLowerCase();
  return HEX32.test(hex) && !/^0+$/.test(hex) ? hex : undefined;
}

/**
 * The span id of a session's root span, derived from the session id alone, so a process that joins the
 * session (`inheritedSessionId`) can parent its spans under the root without asking anyone.
 */
export function rootSpanIdFor(sessionId: string): string {
  const hex = createHash('sha256').update(sessionId.toLowerCase()).digest('hex').slice(0, 16);
  return /^0+$/.test(hex) ? '0000000000000001' : hex;
}

/** A stable UUID for a span that carries no event id of its own (spans of other instrumentations). */
export function spanToUuid(traceId: string, spanId: string): string {
  return traceIdToUuid(`${traceId.slice(0, 16)}${spanId}`.toLowerCase().padEnd(32, '0').slice(0, 32));
}
