/**
 * The OTLP decoder's process: inflating, parsing and converting a body can take hundreds of milliseconds and
 * much memory for a hostile body, so it happens here, under a memory limit, while the server's event loop
 * keeps answering. One message in, one answer out; it ends with the server (its IPC channel closes).
 */
import { decodeOtlpRequest, type OtlpRequest } from './otlp.js';

process.on('message', (msg: { id: number; request: OtlpRequest & { body: Uint8Array } }) => {
  try {
    // Structured clone hands the body over as a Uint8Array: the decoder wants a Buffer.
    const body = Buffer.from(msg.request.body.buffer, msg.request.body.byteOffset, msg.request.body.byteLength);
    process.send!({ id: msg.id, ok: true, batch: decodeOtlpRequest({ ...msg.request, body }) });
  } catch (e) {
    const err = e as Error & { statusCode?: number };
    process.send!({ id: msg.id, ok: false, status: err.statusCode ?? 400, message: err.message });
  }
});
process.on('disconnect', () => process.exit(0));
