/**
 * AgentOps for Node.js on OpenTelemetry: sessions, events, LLM cost.
 *
 * @example
 * ```ts
 * import * as agentops from '@agentops/otel';
 * const session = agentops.init({ tags: ['demo'] });
 * session.record(new agentops.ActionEvent({ actionType: 'search', params: { q }, returns: hits }));
 * await session.endSession('Success');
 * ```
 * @packageDocumentation
 */
import { isMainThread } from 'node:worker_threads';
import { AgentOpsClient, getClient, PRELOAD, setClient } from './client.js';
import type { InitOptions } from './config.js';
import type { AnyEvent } from './events.js';
import { wrapRecorded } from './helpers.js';
import { logger } from './logger.js';
import type { EndStateInput, Session } from './session.js';
import type { SessionStats } from '@agentops/model';

import { ActionEvent, ErrorEvent, LLMEvent, ToolEvent } from './events.js';
import { Session as SessionClass } from './session.js';
import { AgentOpsSpanProcessor } from './processor.js';
import { AgentOpsExporter } from './exporter/exporter.js';
import { getAgentOpsInstrumentations } from './instrumentations.js';
import { preloadApplies } from './preload-start.js';
export { ActionEvent, AgentOpsEvent, ErrorEvent, LLMEvent, ToolEvent } from './events.js';
export type { AnyEvent, EventInit, ErrorEventInit, LLMEventInit, Timestamp } from './events.js';
export { Session } from './session.js';
export type { EndStateInput, SessionAnalytics } from './session.js';
export type { Configuration, InitOptions, ResolvedConfig } from './config.js';
import type { Configuration } from './config.js';
export { AgentOpsSpanProcessor } from './processor.js';
export type { AgentOpsExporterHooks, AgentOpsSpanProcessorOptions } from './processor.js';
export type { LogLevel } from './logger.js';
export type { EndState, SessionStats } from '@agentops/model';
export { AgentOpsExporter } from './exporter/exporter.js';
export type { AgentOpsExporterOptions } from './exporter/exporter.js';
export { ApiError } from './exporter/api-client.js';
export { SDK_VERSION } from './host-env.js';
export { getAgentOpsInstrumentations, registerEsmLoaderHook, type AgentOpsInstrumentationOptions } from './instrumentations.js';

function client(): AgentOpsClient {
  let c = getClient();
  if (!c) {
    c = new AgentOpsClient({ autoStartSession: false });
    setClient(c);
  }
  return c;
}

function startInitSession(c: AgentOpsClient, deferred: boolean, startMs?: number): Session {
  const s = c.startSession({
    tags: c.config.tags,
    inheritedSessionId: c.config.inheritedSessionId,
    parent: c.config.traceParent,
    deferred,
    startMs,
  });
  c.initSession = s;
  return s;
}

/**
 * Sets AgentOps up. Synchronous, never waits for the network. Returns the session it starts, unless
 * `autoStartSession: false` is passed. With `AGENTOPS_AUTO_START_SESSION=false` in the environment the
 * returned session is announced (its root span started, sent to the server) only when it is first used.
 * A second call warns and changes nothing: it returns the session the first one started.
 */
export function init(options: InitOptions & { autoStartSession: false }): undefined;
export function init(options?: InitOptions & { autoStartSession?: true }): Session;
export function init(options?: InitOptions): Session | undefined;
export function init(options: InitOptions = {}): Session | undefined {
  const existing = getClient();
  if (existing) {
    if (options.autoStartSession === false) return undefined;
    if (existing.fromPreload) {
      // The app's own init() under the preload: its options are the configuration, if nothing was recorded yet.
      if (existing.reconfigure(options)) return startInitSession(existing, false);
      logger.info("init(): AgentOps was started by the preload and has already recorded; this call's options other than tags are not applied.");
      existing.fromPreload = false;
      const s = existing.initSession ?? startInitSession(existing, false);
      if (options.tags) s.addTags(options.tags);
      s._announce();
      return s;
    }
    logger.warn('init() was already called; this call changes nothing.');
    return existing.initSession ?? startInitSession(existing, true);
  }
  const c = new AgentOpsClient(options);
  setClient(c);
  if (options.autoStartSession === false) return undefined;
  return startInitSession(c, !c.config.autoStartSession);
}

/**
 * @internal What the `--require` / `--import` preloads call: AgentOps from the environment, its session
 * announced at its first event or LLM call, so a process that records nothing (npm's own, a build tool)
 * leaves no session behind.
 */
export function _initFromPreload(flavour: 'require' | 'import', preloadedAt?: number): void {
  if (getClient() || !isMainThread) return;
  (globalThis as Record<symbol, unknown>)[PRELOAD] = flavour;
  const c = new AgentOpsClient({}, true);
  setClient(c);
  if (c.config.autoStartSession) startInitSession(c, true, preloadedAt);
}

/** @internal Whether the preloads start AgentOps in this process: {@link preloadApplies}, in the main thread. */
export function _preloadApplies(): boolean {
  return isMainThread && preloadApplies();
}

/** Options of {@link startSession}. */
export interface StartSessionOptions {
  tags?: string[];
  /** Join a session another process started: its id. */
  inheritedSessionId?: string;
  /**
   * Options for this session only (its API key, endpoint, batching, content capture, field size, default tags,
   * host-environment opt-out); the rest comes from `init()`.
   */
  config?: Configuration;
}

/** Starts a session (a factory: call it as often as needed; sessions may overlap). */
export function startSession(options: StartSessionOptions = {}): Session {
  const c = client();
  return c.startSession({ tags: options.tags, inheritedSessionId: options.inheritedSessionId ?? undefined, sessionConfig: options.config });
}

/**
 * Ends the only live session. With none or several live, it warns and resolves to undefined: end a
 * session through its own `endSession` then.
 */
export async function endSession(endState: EndStateInput, endStateReason?: string): Promise<string | undefined> {
  const live = getClient()?.liveSessions() ?? [];
  if (live.length !== 1) {
    logger.warn(`endSession() needs exactly one live session, there are ${live.length}; call session.endSession() instead.`);
    return undefined;
  }
  return live[0].endSession(endState, endStateReason);
}

function current(what: string): Session | undefined {
  const s = getClient()?.currentSession();
  if (!s) logger.once('warn', `no-session:${what}`, `${what}() found no session to use (start one with init() or startSession()).`);
  return s;
}

/** Records an event in the current session (the one of the async context, else the only live one). */
export function record(event: AnyEvent): void {
  current('record')?.record(event);
}

/** Adds tags to the current session. */
export function addTags(tags: string[]): void {
  current('addTags')?.addTags(tags);
}

/** Replaces the tags of the current session. */
export function setTags(tags: string[]): void {
  current('setTags')?.setTags(tags);
}

/** A session of this process by id, or the current session when no id is given. */
export function getSession(id?: string): Session | undefined {
  const c = getClient();
  return id === undefined ? c?.currentSession() : c?.getSession(id);
}

/** The live sessions of this process. */
export function getSessions(): Session[] {
  return getClient()?.liveSessions() ?? [];
}

/** Wraps `fn` so every call is recorded as an `ActionEvent` named `name` (errors as `ErrorEvent`s too). */
export function recordAction<F extends (...args: never[]) => unknown>(name: string, fn: F): F {
  return wrapRecorded('action', name, fn, () => getClient()?.currentSession());
}

/** Wraps `fn` so every call is recorded as a `ToolEvent` named `name` (errors as `ErrorEvent`s too). */
export function recordTool<F extends (...args: never[]) => unknown>(name: string, fn: F): F {
  return wrapRecorded('tool', name, fn, () => getClient()?.currentSession());
}

/** Events (spans) dropped so far: queue full or given up by the exporter. Each was reported in a warning. */
export function getDroppedEventCount(): number {
  return getClient()?.droppedCount() ?? 0;
}

function api(what: string) {
  const a = getClient()?.apiClient();
  if (!a) throw new Error(`AgentOps: ${what}() needs init() with an API key (AGENTOPS_API_KEY) and the AgentOps exporter.`);
  return a;
}

/** The server's stats of a session (`GET /v2/sessions/{id}/stats`). Rejects with the server's message. */
export async function getSessionStats(sessionId: string): Promise<SessionStats> {
  return api('getSessionStats').sessionStats(sessionId);
}

/** A session with all its events as the server has it (`GET /v2/sessions/{id}/export`). */
export async function exportSession(sessionId: string): Promise<Record<string, unknown>> {
  return api('exportSession').exportSession(sessionId);
}

/** Sends everything recorded so far; resolves when done or after the flush time limit. */
export async function flush(): Promise<void> {
  await getClient()?.flush();
}

/**
 * Ends live sessions (`Indeterminate`), flushes, unregisters what `init` registered and forgets the
 * configuration, so `init` can be called again.
 */
export async function shutdown(): Promise<void> {
  const c = getClient();
  setClient(undefined);
  await c?.shutdown();
}

/**
 * The whole API as one object, for `import agentops from '@agentops/otel'` (the named imports are the same
 * functions).
 */
const agentops = {
  init,
  startSession,
  endSession,
  record,
  addTags,
  setTags,
  getSession,
  getSessions,
  recordAction,
  recordTool,
  getDroppedEventCount,
  getSessionStats,
  exportSession,
  flush,
  shutdown,
  getAgentOpsInstrumentations,
  AgentOpsSpanProcessor,
  AgentOpsExporter,
  ActionEvent,
  LLMEvent,
  ToolEvent,
  ErrorEvent,
  Session: SessionClass,
};
export default agentops;
