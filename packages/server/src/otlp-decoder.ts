import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ConvertedBatch } from '@agentops/model';
import { HttpError } from './errors.js';
import { decodeOtlpRequest, type OtlpRequest } from './otlp.js';

/** Heap the decoding thread may use; a body that needs more is answered 413. */
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
 * Decodes OTLP bodies on a worker thread with a heap limit, one at a time in arrival order: a maximal or
 * hostile body (a gzip bomb of empty spans) costs that thread, never the server's event loop or its memory. A
 * thread that runs out of memory is replaced, and its request answered 413.
 */
export class OtlpDecoder {
  private worker: Worker | undefined;
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
      const body = request.body;
      worker.postMessage({ id, request }, body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? [body.buffer as ArrayBuffer] : []);
    });
  }

  private ensureWorker(file: string): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(file, { resourceLimits: { maxOldGenerationSizeMb: DECODE_MEMORY_MB, maxYoungGenerationSizeMb: 32 } });
    worker.unref();
    worker.on('message', (m: { id: number; ok: boolean; batch?: ConvertedBatch; status?: number; message?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.batch!);
      else p.reject(new HttpError(m.status ?? 400, m.message ?? 'Malformed OTLP body'));
    });
    const fail = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new HttpError(413, why));
      this.pending.clear();
    };
    worker.on('error', (e: Error & { code?: string }) =>
      fail(
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `The OTLP body needs more than the ${DECODE_MEMORY_MB} MB decoding may use; send fewer or smaller spans per request`
          : `The OTLP body could not be decoded: ${e.message}`,
      ),
    );
    worker.on('exit', () => fail('The OTLP decoder stopped; retry the request'));
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
