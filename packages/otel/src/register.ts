/**
 * `node --require @agentops/otel/register app.js`: AgentOps for a CommonJS app without touching its code.
 * Reads the AGENTOPS_* variables, patches the LLM clients as they are required, starts a session and ends it
 * by the process-end rules. Skips worker threads; `OTEL_SDK_DISABLED=true` leaves the app untouched.
 */
import { isMainThread } from 'node:worker_threads';
import { init } from '@agentops/otel';

if (isMainThread && !/^(1|true|yes|on)$/i.test(process.env.OTEL_SDK_DISABLED?.trim() ?? '')) {
  try {
    init();
  } catch (e) {
    process.stderr.write(`AgentOps: error: the preload could not start: ${String(e)}\n`);
  }
}
