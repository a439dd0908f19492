import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { isUuid } from '@agentops/model';
import { isLogLevel, logger, type LogLevel } from './logger.js';
import { DEFAULT_MAX_FIELD_SIZE } from './serialize.js';

/** Options of {@link init}. Every option also has the environment variable named in its comment. */
export interface InitOptions {
  /** `AGENTOPS_API_KEY`. Without one, sessions work locally and nothing is sent. */
  apiKey?: string;
  /** `AGENTOPS_API_ENDPOINT`, default `http://127.0.0.1:8710` (the local `@agentops/server`). */
  endpoint?: string;
  /** `AGENTOPS_AUTO_START_SESSION`, default true: `init` starts a session and returns it. */
  autoStartSession?: boolean;
  /** `AGENTOPS_INHERITED_SESSION_ID`: join a session started by another process. */
  inheritedSessionId?: string;
  /** Tags of the session `init` starts. */
  tags?: string[];
  /** `AGENTOPS_DEFAULT_TAGS` (comma list): tags every session gets. */
  defaultTags?: string[];
  /** Default true: patch LLM client libraries. */
  instrumentLlmCalls?: boolean;
  /** Milliseconds a recorded event may wait before it is sent (batching). Default 2000. */
  maxWaitTime?: number;
  /** Events held for sending at most; beyond it new ones are dropped and counted. Default 2048. */
  maxQueueSize?: number;
  /** `AGENTOPS_CAPTURE_CONTENT`, default true: record prompts and completions. */
  captureContent?: boolean;
  /** `AGENTOPS_ENV_DATA_OPT_OUT`: keep only SDK, OS and working directory of the host environment. */
  envDataOptOut?: boolean;
  /** Do not end live sessions when the process ends. */
  skipAutoEndSession?: boolean;
  /** `AGENTOPS_LOG_LEVEL`: debug, info (default), warn, error, silent. */
  logLevel?: LogLevel;
  /** `AGENTOPS_MAX_FIELD_SIZE`: characters a single field may hold before it is cut. Default 65536. */
  maxFieldSize?: number;
  /**
   * `AGENTOPS_STREAM_USAGE`, default false: add `stream_options.include_usage` to OpenAI chat streams so
   * their tokens are known (the one change AgentOps makes to a request, and only with this option).
   */
  streamUsage?: boolean;
  /**
   * `AGENTOPS_FOLLOW_CHILDREN`, default true: a child process started inside a session joins it (see the
   * README's "Across processes").
   */
  followChildren?: boolean;
  /**
   * Where spans go. Any OpenTelemetry `SpanExporter`; one that also has `exportSync(spans)` receives what
   * is pending when the process exits through `process.exit`. Default: the AgentOps exporter.
   */
  exporter?: SpanExporter;
}

/**
 * What one session may set for itself: `startSession({ config })`. Anything not given comes from the
 * configuration of `init()`; each value is checked as `init()` checks it (a bad one is named in a warning and
 * the `init()` value is used instead).
 */
export interface Configuration {
  /** This session's project: its spans go with this key (one process can write into several projects). */
  apiKey?: string;
  /** This session's AgentOps API. */
  endpoint?: string;
  /** Batching of this session's events, ms. */
  maxWaitTime?: number;
  /** Events of this session held for sending at most. */
  maxQueueSize?: number;
  /** Record this session's prompts and completions, its captured LLM calls included. */
  captureContent?: boolean;
  /** Characters a field of this session may hold, its captured prompts included. */
  maxFieldSize?: number;
  /** Tags this session starts with, before its own `tags`. */
  defaultTags?: string[];
  /** Keep only SDK, OS and working directory of the host environment. */
  envDataOptOut?: boolean;
}

/** The options a {@link Configuration} may hold. */
export const SESSION_OPTIONS: ReadonlyArray<keyof Configuration> = [
  'apiKey',
  'endpoint',
  'maxWaitTime',
  'maxQueueSize',
  'captureContent',
  'maxFieldSize',
  'defaultTags',
  'envDataOptOut',
];

/** The options after defaults and environment variables were applied. */
export interface ResolvedConfig {
  disabled: boolean;
  apiKey: string | undefined;
  endpoint: string;
  /** False when the endpoint is not an http(s) URL: then nothing is sent (and no request is tried). */
  endpointValid: boolean;
  autoStartSession: boolean;
  inheritedSessionId: string | undefined;
  tags: string[];
  defaultTags: string[];
  instrumentLlmCalls: boolean;
  maxWaitTime: number;
  maxQueueSize: number;
  captureContent: boolean;
  envDataOptOut: boolean;
  skipAutoEndSession: boolean;
  logLevel: LogLevel;
  maxFieldSize: number;
  streamUsage: boolean;
  followChildren: boolean;
  /** `TRACEPARENT` (W3C), read with an inherited session: the span in the parent process that started this one. */
  traceParent: { traceId: string; spanId: string } | undefined;
  exporter: SpanExporter | undefined;
}

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8710';

type Env = Record<string, string | undefined>;

function envBool(env: Env, name: string): boolean | undefined {
  const v = env[name]?.trim().toLowerCase();
  if (v === undefined || v === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  logger.once('warn', `env:${name}`, `${name}=${env[name]} is not a boolean (true/false); it is ignored.`);
  return undefined;
}

function envList(env: Env, name: string): string[] | undefined {
  const v = env[name];
  return v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean);
}

function positiveInt(value: number | string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (Number.isInteger(n) && n > 0) return n;
  logger.once('warn', `opt:${name}`, `${name} must be a positive whole number, got ${String(value)}; using ${fallback}.`);
  return fallback;
}

function tagList(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.filter((t): t is string => typeof t === 'string' && t !== '');
  logger.once('warn', `opt:${name}`, `${name} must be an array of strings; it is ignored.`);
  return [];
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

function parseTraceparent(v: string | undefined): { traceId: string; spanId: string } | undefined {
  const m = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/.exec(v?.trim().toLowerCase() ?? '');
  return m ? { traceId: m[1], spanId: m[2] } : undefined;
}

/** Applies env variables and defaults. Never throws: bad values warn once and fall back. */
export function resolveConfig(options: InitOptions = {}, env: Env = process.env): ResolvedConfig {
  const logLevelRaw = options.logLevel ?? env.AGENTOPS_LOG_LEVEL?.toLowerCase();
  const logLevel: LogLevel = isLogLevel(logLevelRaw) ? logLevelRaw : 'info';
  logger.setLevel(logLevel);
  if (logLevelRaw !== undefined && !isLogLevel(logLevelRaw)) {
    logger.once('warn', 'opt:logLevel', `log level "${String(logLevelRaw)}" is unknown (debug, info, warn, error, silent); using info.`);
  }

  const apiKey = options.apiKey ?? env.AGENTOPS_API_KEY ?? undefined;
  if (apiKey !== undefined && !isUuid(apiKey)) {
    logger.once('warn', 'apikey:format', 'the API key is malformed (expected a UUID); the server will refuse it.');
  }

  const inherited = options.inheritedSessionId ?? env.AGENTOPS_INHERITED_SESSION_ID ?? undefined;
  let inheritedSessionId: string | undefined;
  if (inherited) {
    if (isUuid(inherited)) inheritedSessionId = inherited.toLowerCase();
    else logger.once('warn', 'opt:inherited', `inheritedSessionId "${inherited}" is not a UUID; a new session is started instead.`);
  }

  const endpoint = (options.endpoint ?? env.AGENTOPS_API_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const endpointValid = isHttpUrl(endpoint);
  if (!endpointValid && apiKey) {
    logger.once(
      'warn',
      'opt:endpoint',
      `the endpoint ${JSON.stringify(endpoint.slice(0, 200))} is not an http(s) URL (e.g. http://127.0.0.1:8710): nothing will be sent; events are counted as dropped.`,
    );
  }

  const genAiCapture = envBool(env, 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT');
  const captureContent = (options.captureContent ?? envBool(env, 'AGENTOPS_CAPTURE_CONTENT') ?? true) && genAiCapture !== false;

  return {
    disabled: envBool(env, 'OTEL_SDK_DISABLED') === true,
    apiKey,
    endpoint,
    endpointValid,
    autoStartSession: options.autoStartSession ?? envBool(env, 'AGENTOPS_AUTO_START_SESSION') ?? true,
    inheritedSessionId,
    tags: tagList(options.tags, 'tags'),
    defaultTags: options.defaultTags !== undefined ? tagList(options.defaultTags, 'defaultTags') : envList(env, 'AGENTOPS_DEFAULT_TAGS') ?? [],
    instrumentLlmCalls: options.instrumentLlmCalls ?? true,
    maxWaitTime: positiveInt(options.maxWaitTime, 'maxWaitTime', 2000),
    maxQueueSize: positiveInt(options.maxQueueSize, 'maxQueueSize', 2048),
    captureContent,
    envDataOptOut: options.envDataOptOut ?? envBool(env, 'AGENTOPS_ENV_DATA_OPT_OUT') ?? false,
    skipAutoEndSession: options.skipAutoEndSession ?? false,
    logLevel,
    maxFieldSize: positiveInt(options.maxFieldSize ?? env.AGENTOPS_MAX_FIELD_SIZE, 'maxFieldSize', DEFAULT_MAX_FIELD_SIZE),
    streamUsage: options.streamUsage ?? envBool(env, 'AGENTOPS_STREAM_USAGE') ?? false,
    followChildren: options.followChildren ?? envBool(env, 'AGENTOPS_FOLLOW_CHILDREN') ?? true,
    traceParent: inheritedSessionId ? parseTraceparent(env.TRACEPARENT) : undefined,
    exporter: options.exporter,
  };
}
