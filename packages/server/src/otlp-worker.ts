/**
 * The OTLP decoder's thread: inflating, parsing and converting a body can take hundreds of milliseconds and
 * much memory for a hostile body, so it happens here, under a memory limit, while the server's event loop
 * keeps answering. One message in, one answer out.
 */
import { parentPort } from 'node:worker_threads';
import { decodeOtlpRequest, type OtlpRequest } from './otlp.js';

parentPort?.on('message', (msg: { id: number; request: OtlpRequest }) => {
  try {
    parentPort!.postMessage({ id: msg.id, ok: true, batch: decodeOtlpRequest(msg.request) });
  } catch (e) {
    const err = e as Error & { statusCode?: number };
    parentPort!.postMessage({ id: msg.id, ok: false, status: err.statusCode ?? 400, message: err.message });
  }
});
