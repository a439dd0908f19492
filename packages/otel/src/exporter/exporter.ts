import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { convertSpan, convertSpans, type SessionModel } from '@agentops/model';
import { DROP_REPORT_INTERVAL_MS, logger } from '../logger.js';
import type { AgentOpsExporterHooks } from '../processor.js';
import { AgentOpsApiClient, ApiError, type ApiClientOptions } from './api-client.js';
import { deliverGroup, groupBySession, groupSize, type ExitPlan, type ExitReport } from './delivery.js';
import { toSpanLike } from './span-like.js';

export interface AgentOpsExporterOptions extends ApiClientOptions {
  /** How long the synchronous hand-off at `process.exit` may take, ms. Default 5000. */
  exitTimeoutMs?: number;
}

/** What the exporter tells the SDK about sessions. */
export interface ExporterListener {
  onSessionCreated?(sessionId: string, projectId: string | undefined): void;
  onSessionCost?(sessionId: string, cost: string): void;
}

function workerPath(): string | undefined {
  const base = import.meta.url;
  for (const rel of ['./export-worker.js', '../export-worker.js', '../../dist/export-worker.js']) {
    const p = fileURLToPath(new URL(rel, base));
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Ships spans to an AgentOps-compatible API (SPEC §4): a session is created when its span starts, events go
 * out in batches through `create_events`, the end through `update_session`. Failures are retried within a
 * window; what still fails is counted ({@link AgentOpsExporter.getDroppedCount}) and reported once per cause.
 */
export class AgentOpsExporter implements SpanExporter, AgentOpsExporterHooks {
  readonly api: AgentOpsApiClient;
  listener: ExporterListener | undefined;
  private readonly options: AgentOpsExporterOptions;
  private readonly creating = new Map<string, Promise<void>>();
  /** Sessions started and not yet ended here, as announced. */
  private readonly starts = new Map<string, SessionModel>();
  private dropped = 0;

  constructor(options: AgentOpsExporterOptions) {
    this.options = options;
    this.api = new AgentOpsApiClient(options);
  }

  getDroppedCount(): number {
    return this.dropped;
  }

  onSessionStart(span: ReadableSpan): void {
    const c = convertSpan(toSpanLike(span));
    if (c?.kind !== 'session') return;
    this.starts.set(c.session.session_id, c.session);
    this.ensureSession(c.session.session_id, c.session).catch((e) => this.report(e, 0));
  }

  private ensureSession(sessionId: string, model?: SessionModel): Promise<void> {
    if (this.api.jwts.has(sessionId)) return Promise.resolve();
    const inFlight = this.creating.get(sessionId);
    if (inFlight) return inFlight;
    const m = this.starts.get(sessionId) ?? model;
    // Unknown here (a session of another process): the client re-authorizes with the API key.
    if (!m) return Promise.resolve();
    const p = this.api
      .createSession(m)
      .then((r) => this.listener?.onSessionCreated?.(sessionId, r.projectId))
      .finally(() => this.creating.delete(sessionId));
    this.creating.set(sessionId, p);
    return p;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.deliver(spans).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (e) => done({ code: ExportResultCode.FAILED, error: e instanceof Error ? e : new Error(String(e)) }),
    );
  }

  private async deliver(spans: ReadableSpan[]): Promise<void> {
    const groups = groupBySession(convertSpans(spans.map(toSpanLike)));
    await Promise.all(
      groups.map(async (g) => {
        try {
          const r = await deliverGroup(this.api, g, (id, m) => this.ensureSession(id, m));
          if (r.refused > 0) {
            this.dropped += r.refused;
            this.report(new Error(`the server refused them: ${r.refusal}`), r.refused);
          }
          if (r.cost !== undefined) this.listener?.onSessionCost?.(g.sessionId, r.cost);
          if (g.ended) this.starts.delete(g.sessionId);
        } catch (e) {
          // The exporter counts its own drops per event, so the processor is told the batch is done.
          this.dropped += groupSize(g);
          this.report(e, groupSize(g));
        }
      }),
    );
  }

  private report(e: unknown, n: number): void {
    const what = n > 0 ? `${n} event(s) of AgentOps data were dropped` : 'AgentOps could not create a session';
    const message = e instanceof Error ? e.message : String(e);
    const key = e instanceof ApiError && e.status !== undefined ? `api:${e.status}:${message}` : 'api:network';
    logger.once('warn', key, `${what}: ${message}. Dropped so far: ${this.dropped} (agentops.getDroppedEventCount()).`);
    if (n > 0) logger.every('warn', 'drop:exporter', DROP_REPORT_INTERVAL_MS, `${this.dropped} event(s) dropped so far by the AgentOps exporter.`);
  }

  /**
   * The synchronous hand-off at `process.exit`: a short-lived Node process sends the payload with the same
   * client, while this one waits (bounded by `exitTimeoutMs`).
   */
  exportSync(spans: ReadableSpan[]): void {
    const groups = groupBySession(convertSpans(spans.map(toSpanLike)));
    if (groups.length === 0) return;
    const total = groups.reduce((n, g) => n + groupSize(g), 0);
    if (this.api.isAbandoned) {
      // The time to deliver ran out with the server failing: a last synchronous try would only hold the exit.
      this.dropped += total;
      logger.warn(`${total} event(s) dropped at exit: the server could not be reached in time${this.api.lastFailureNote()}.`);
      return;
    }
    const worker = workerPath();
    if (!worker) {
      this.dropped += total;
      logger.warn(`${total} event(s) dropped at exit: the export worker file is missing.`);
      return;
    }
    const timeout = this.options.exitTimeoutMs ?? 5000;
    const plan: ExitPlan = {
      endpoint: this.api.endpoint,
      apiKey: this.options.apiKey,
      retryWindowMs: Math.min(this.options.retryWindowMs ?? 30_000, Math.max(0, timeout - 1000)),
      requestTimeoutMs: Math.min(this.options.requestTimeoutMs ?? 10_000, timeout),
      jwts: Object.fromEntries(this.api.jwts),
      sessionStarts: Object.fromEntries(this.starts),
      groups,
    };
    // child_process is loaded here, at exit, not at start-up.
    const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
    const r = spawnSync(process.execPath, [worker], {
      input: JSON.stringify(plan),
      timeout,
      encoding: 'utf8',
      // The worker must not load the app's preloads (our own --require among them).
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let report: ExitReport | undefined;
    try {
      report = JSON.parse(r.stdout) as ExitReport;
    } catch {
      report = undefined;
    }
    if (!report || report.dropped !== 0) {
      const n = report && report.dropped > 0 ? report.dropped : total;
      this.dropped += n;
      logger.warn(`${n} event(s) dropped at exit: ${report?.errors[0] ?? (r.error?.message || 'the export worker did not finish in time')}.`);
    }
  }

  /** The process is ending and its time to deliver is up: requests in flight are aborted, nothing is retried. */
  abandon(): void {
    this.api.abandon();
  }

  async forceFlush(): Promise<void> {
    await Promise.allSettled([...this.creating.values()]);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}
