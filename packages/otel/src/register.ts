/**
 * `node --require @agentops/otel/register app.js`: AgentOps for a CommonJS app without touching its code.
 * Reads the AGENTOPS_* variables, patches the LLM clients as they are required, and keeps a session for the
 * process that is announced at its first event or LLM call (a process that records nothing leaves none).
 * Skips worker threads and package managers' own processes; `OTEL_SDK_DISABLED=true` leaves the app untouched.
 */
import { _initFromPreload, _preloadApplies } from '@agentops/otel';

if (_preloadApplies()) {
  try {
    _initFromPreload('require');
  } catch (e) {
    process.stderr.write(`AgentOps: error: the preload could not start: ${String(e)}\n`);
  }
}
