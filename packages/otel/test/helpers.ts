import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, vi } from 'vitest';
import * as agentops from '../src/index.js';
import type { InitOptions } from '../src/index.js';
import { logger } from '../src/logger.js';

/** Starts AgentOps with an in-memory exporter; `flush()` then `spans()` shows what was exported. */
/** With `autoStartSession: false` there is no session: `session` is then not to be used. */
export function initInMemory(options: InitOptions = {}) {
  const exporter = new InMemorySpanExporter();
  const session = agentops.init({ exporter, logLevel: 'warn', maxWaitTime: 50, ...options }) as agentops.Session;
  return {
    exporter,
    session,
    async spans(): Promise<ReadableSpan[]> {
      await agentops.flush();
      return exporter.getFinishedSpans();
    },
  };
}

/** Captures what AgentOps writes to stderr. */
export function captureStderr() {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return {
    lines,
    text: () => lines.join(''),
    restore: () => spy.mockRestore(),
  };
}

/** Every test leaves the process as it found it. */
export function resetAfterEach(): void {
  afterEach(async () => {
    vi.restoreAllMocks();
    await agentops.shutdown();
    logger.resetOnce();
    logger.setLevel('info');
  });
}

export const byKind = (spans: ReadableSpan[], kind: string) => spans.filter((s) => s.attributes['agentops.span.kind'] === kind);
