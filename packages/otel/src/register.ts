/**
 * `node --require @agentops/otel/register app.js`: AgentOps for a CommonJS app without touching its code.
 * Reads the AGENTOPS_* variables, patches the LLM clients as they are required, and keeps a session for the
 * process that is announced at its first event or LLM call (a process that records nothing leaves none).
 * AgentOps itself loads at the app's first require that needs it (deferred-start.ts), so a process that never
 * gets there pays almost nothing; an ES module app starts it at once, for its loader hook.
 * Skips worker threads and package managers' own processes; `OTEL_SDK_DISABLED=true` leaves the app untouched.
 */
import { startAtFirstUse } from './deferred-start.js';
import { mainIsEsm, preloadApplies } from './preload-start.js';

// The session of this process begins now, however late AgentOps loads.
const preloadedAt = Date.now();

function start(): void {
  try {
    // By name, so the app and the preload share one copy of the SDK.
    (require('@agentops/otel') as typeof import('@agentops/otel'))._initFromPreload('require', preloadedAt);
  } catch (e) {
    process.stderr.write(`AgentOps: error: the preload could not start: ${String(e)}\n`);
  }
}

if (preloadApplies()) {
  if (mainIsEsm()) start();
  else startAtFirstUse(start);
}
