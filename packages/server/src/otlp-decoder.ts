import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ConvertedBatch } from '@agentops/model';
import { HttpError } from './errors.js';
import { decodeOtlpRequest, type OtlpRequest } from './otlp.js';

/** Heap the decoding process may use; a body that needs more is answered 413. */
export const DECODE_MEMORY_MB = 256;

type Pending = { resolve: (b: ConvertedBatch) => void; reject: (e: Error) => void };

function workerFile(): string | undefined {
  for (const rel of ['./otlp-worker.js', '../dist/otlp-worker.js']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Decodes OTLP bodies in a child process with a heap limit, one at a time in arrival order: a maximal or
 * hostile body (a gzip bomb of empty spans) costs that process, never the server's event loop or its memory. A
 * process, not a worker thread: a worker that runs out of memory can take the whole server down while it is torn
 * down (V8's fatal OOM handler during the worker's cleanup); a child that does is only replaced, and its request
 * answered 413.
 */
export class OtlpDecoder {
  private worker: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private readonly file = workerFile();

  decode(request: OtlpRequest): Promise<ConvertedBatch> {
    // From the sources (tests of the uncompiled server) there is no worker file: decode in place.
    if (!this.file) return Promise.resolve().then(() => decodeOtlpRequest(request));
    const worker = this.ensureWorker(this.file);
    const id = this.nextId++;
    return new Promise<ConvertedBatch>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // While a body is being decoded, the channel keeps the process alive; idle, it never holds the server open.
      if (this.pending.size === 1) worker.channel?.ref();
      worker.send({ id, request });
    });
  }

  private ensureWorker(file: string): ChildProcess {
    if (this.worker) return this.worker;
    const worker = fork(file, [], {
      execArgv: [`--max-old-space-size=${DECODE_MEMORY_MB}`, '--max-semi-space-size=16'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    worker.unref();
    worker.channel?.unref();
    worker.on('message', (m: { id: number; ok: boolean; batch?: ConvertedBatch; status?: number; message?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.channel?.unref();
      if (m.ok) p.resolve(m.batch!);
      else p.reject(new HttpError(m.status ?? 400, m.message ?? 'Malformed OTLP body'));
    });
    const fail = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new HttpError(413, why));
      this.pending.clear();
    };
    worker.on('error', (e) => fail(`The OTLP body could not be decoded: ${e.message}`));
    // A decoder that died with a body in hand ran out of its memory on it (V8 aborts the process then).
    worker.on('exit', () => fail(`The OTLP body needs more than the ${DECODE_MEMORY_MB} MB decoding may use; send fewer or smaller spans per request`));
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w && w.exitCode === null && w.signalCode === null) {
      const exited = new Promise((r) => w.once('exit', r));
      w.kill();
      await exited;
    }
  }
}
