import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { convertSpans, LIMITS, sessionIdOf, type AttributeValue, type Attributes, type ConvertedBatch, type SpanLike } from '@agentops/model';
import { badRequest } from './errors.js';

// The part of the OTLP trace protocol the server reads (opentelemetry/proto/trace/v1, common/v1, resource/v1).
const PROTO = `
syntax = "proto3";
package otlp;
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; }
message Resource { repeated KeyValue attributes = 1; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10; repeated Event events = 11;
  Status status = 15;
  message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
}
message Status { string message = 2; int32 code = 3; }
`;

const ExportRequest = protobuf.parse(PROTO).root.lookupType('otlp.ExportTraceServiceRequest');

type Obj = Record<string, unknown>;
type IdDecoder = (v: unknown, path: string) => string | undefined;

const HEX_ID = /^[0-9a-fA-F]+$/;

/** OTLP/JSON writes ids as hex. */
const hexId: IdDecoder = (v, path) => {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || !HEX_ID.test(v)) throw badRequest(`${path} must be a hex string`);
  return v.toLowerCase();
};

/** protobuf bytes arrive here as base64 (toObject with bytes: String). */
const base64Id: IdDecoder = (v) => {
  if (typeof v !== 'string' || v === '') return undefined;
  return Buffer.from(v, 'base64').toString('hex');
};

function nanosToMs(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v / 1e6;
  if (typeof v === 'string' && /^\d+$/.test(v)) {
    const n = BigInt(v);
    return Number(n / 1000n) / 1000;
  }
  throw badRequest(`${path} must be a nanosecond timestamp`);
}

function anyValue(v: unknown, path: string, depth = 0): AttributeValue | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`${path} must be an AnyValue object`);
  if (depth > 16) throw badRequest(`${path} is nested too deeply`);
  const o = v as Obj;
  if ('stringValue' in o) return String(o.stringValue);
  if ('boolValue' in o) return Boolean(o.boolValue);
  if ('intValue' in o) {
    const n = Number(o.intValue);
    if (!Number.isFinite(n)) throw badRequest(`${path}.intValue must be an integer`);
    return n;
  }
  if ('doubleValue' in o) {
    const n = Number(o.doubleValue);
    if (Number.isNaN(n) && o.doubleValue !== 'NaN') throw badRequest(`${path}.doubleValue must be a number`);
    return n;
  }
  if ('arrayValue' in o) {
    const values = (o.arrayValue as Obj | null)?.values ?? [];
    if (!Array.isArray(values)) throw badRequest(`${path}.arrayValue.values must be an array`);
    return values.map((x, i) => {
      const item = anyValue(x, `${path}.arrayValue.values[${i}]`, depth + 1);
      return typeof item === 'object' ? JSON.stringify(item) : (item ?? null);
    }) as AttributeValue;
  }
  if ('kvlistValue' in o) {
    const values = (o.kvlistValue as Obj | null)?.values ?? [];
    return JSON.stringify(attributes(values, `${path}.kvlistValue.values`, depth + 1));
  }
  if ('bytesValue' in o) return String(o.bytesValue);
  return undefined;
}

function attributes(list: unknown, path: string, depth = 0): Attributes {
  const out: Attributes = {};
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw badRequest(`${path} must be an array`);
  list.forEach((kv, i) => {
    if (typeof kv !== 'object' || kv === null || typeof (kv as Obj).key !== 'string') throw badRequest(`${path}[${i}].key must be a string`);
    const value = anyValue((kv as Obj).value, `${path}[${i}].value`, depth);
    if (value !== undefined) out[(kv as Obj).key as string] = value;
  });
  return out;
}

function arrayAt(o: Obj, key: string, path: string): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badRequest(`${path}.${key} must be an array`);
  return v;
}

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest(`${path} must be an object`);
  return v as Obj;
}

/** Turns an `ExportTraceServiceRequest` (already a plain object) into spans the converter reads. */
function toSpans(request: unknown, id: IdDecoder, maxSpans: number): SpanLike[] {
  const spans: SpanLike[] = [];
  const root = obj(request, 'body');
  arrayAt(root, 'resourceSpans', 'body').forEach((rs, i) => {
    const rPath = `resourceSpans[${i}]`;
    const r = obj(rs, rPath);
    const resourceAttributes = attributes(r.resource ? obj(r.resource, `${rPath}.resource`).attributes : undefined, `${rPath}.resource.attributes`);
    arrayAt(r, 'scopeSpans', rPath).forEach((ss, j) => {
      const sPath = `${rPath}.scopeSpans[${j}]`;
      const s = obj(ss, sPath);
      const scopeName = s.scope ? String(obj(s.scope, `${sPath}.scope`).name ?? '') : undefined;
      arrayAt(s, 'spans', sPath).forEach((sp, k) => {
        const p = `${sPath}.spans[${k}]`;
        if (spans.length >= maxSpans) throw tooLarge(`body holds more than the ${maxSpans} spans a request may carry`);
        const span = obj(sp, p);
        const traceId = id(span.traceId, `${p}.traceId`);
        const spanId = id(span.spanId, `${p}.spanId`);
        if (!traceId || traceId.length !== 32) throw badRequest(`${p}.traceId must be 16 bytes`);
        if (!spanId || spanId.length !== 16) throw badRequest(`${p}.spanId must be 8 bytes`);
        const status = span.status ? obj(span.status, `${p}.status`) : {};
        spans.push({
          traceId,
          spanId,
          parentSpanId: id(span.parentSpanId, `${p}.parentSpanId`),
          name: typeof span.name === 'string' ? span.name : '',
          startTimeMs: nanosToMs(span.startTimeUnixNano, `${p}.startTimeUnixNano`),
          endTimeMs: span.endTimeUnixNano === undefined ? undefined : nanosToMs(span.endTimeUnixNano, `${p}.endTimeUnixNano`),
          attributes: attributes(span.attributes, `${p}.attributes`),
          status: { code: Number(status.code ?? 0) || 0, message: typeof status.message === 'string' ? status.message : undefined },
          events: arrayAt(span, 'events', p).map((ev, m) => {
            const e = obj(ev, `${p}.events[${m}]`);
            return {
              name: String(e.name ?? ''),
              timeMs: nanosToMs(e.timeUnixNano ?? '0', `${p}.events[${m}].timeUnixNano`),
              attributes: attributes(e.attributes, `${p}.events[${m}].attributes`),
            };
          }),
          resourceAttributes,
          scopeName,
        });
      });
    });
  });
  return spans;
}

const tooLarge = (message: string) => Object.assign(new Error(message), { statusCode: 413 });

/** OTLP/HTTP JSON. */
export function decodeOtlpJson(body: unknown, maxSpans: number = LIMITS.eventsPerRequest): SpanLike[] {
  return toSpans(body, hexId, maxSpans);
}

/** OTLP/HTTP protobuf. */
export function decodeOtlpProtobuf(body: Buffer, maxSpans: number = LIMITS.eventsPerRequest): SpanLike[] {
  let message;
  try {
    message = ExportRequest.decode(body);
  } catch (e) {
    throw badRequest(`Malformed protobuf: ${(e as Error).message}`);
  }
  const plain = ExportRequest.toObject(message, { longs: String, bytes: String, defaults: false, arrays: true, oneofs: false });
  return toSpans(plain, base64Id, maxSpans);
}

/** Undoes `Content-Encoding: gzip` with a cap on the inflated size. */
export function gunzipBody(body: Buffer, limit: number): Buffer {
  try {
    return gunzipSync(body, { maxOutputLength: limit });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(`Request body is too large (limit ${limit} bytes after inflation)`);
    throw badRequest('Malformed gzip body');
  }
}

/** What the decoder is asked to do with one OTLP request body. */
export interface OtlpRequest {
  body: Uint8Array;
  contentType: string;
  encoding: string;
  bodyLimit: number;
  maxSpans: number;
}

/** Inflates, parses and converts one OTLP body; throws errors carrying the HTTP status to answer. */
export function decodeOtlpRequest(req: OtlpRequest): ConvertedBatch {
  let body = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
  const encoding = req.encoding.toLowerCase();
  if (encoding === 'gzip') body = gunzipBody(body, req.bodyLimit);
  else if (encoding !== 'identity') throw Object.assign(new Error(`Unsupported Content-Encoding ${encoding}`), { statusCode: 415 });
  let spans: SpanLike[];
  if (req.contentType.startsWith('application/x-protobuf')) spans = decodeOtlpProtobuf(body, req.maxSpans);
  else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw badRequest(`Malformed JSON body: ${(e as Error).message}`);
    }
    spans = decodeOtlpJson(parsed, req.maxSpans);
  }
  return withServiceNames(convertSpans(spans), spans);
}

/**
 * Sessions that arrive as events only (another SDK's GenAI spans, no AgentOps session span) are named after the
 * app that sent them: the resource's `service.name` becomes their host environment, as an inherited session
 * record, so it fills a missing one and never replaces what a session span says.
 */
function withServiceNames(batch: ConvertedBatch, spans: SpanLike[]): ConvertedBatch {
  const named = new Set(batch.sessions.map((s) => s.session_id.toLowerCase()));
  const service = new Map<string, string>();
  for (const span of spans) {
    const name = span.resourceAttributes?.['service.name'];
    if (typeof name !== 'string' || !name || name.startsWith('unknown_service')) continue;
    const id = sessionIdOf(span).toLowerCase();
    if (!named.has(id) && !service.has(id)) service.set(id, name.slice(0, LIMITS.nameChars));
  }
  if (service.size === 0) return batch;
  const first = new Map<string, string>();
  for (const e of batch.events) {
    const id = e.session_id.toLowerCase();
    const t = first.get(id);
    if (service.has(id) && (t === undefined || e.init_timestamp < t)) first.set(id, e.init_timestamp);
  }
  const added = [...first].map(([id, init]) => ({
    session_id: id,
    init_timestamp: init,
    end_timestamp: null,
    end_state: null,
    end_state_reason: null,
    tags: undefined as unknown as string[], // says nothing of the tags
    host_env: { 'service.name': service.get(id)! },
    video: null,
    inherited: true,
  }));
  return { ...batch, sessions: [...batch.sessions, ...added] };
}
