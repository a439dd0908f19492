/**
 * `node --import @agentops/otel/register app.mjs` (ESM apps; also via NODE_OPTIONS). Registers
 * import-in-the-middle's loader hook for the instrumented libraries only, then starts AgentOps as the
 * CommonJS preload does.
 */
import { _initFromPreload, _preloadApplies, registerEsmLoaderHook } from '@agentops/otel';

if (_preloadApplies()) {
  try {
    registerEsmLoaderHook({ warnIfLate: false });
    _initFromPreload('import');
  } catch (e) {
    process.stderr.write(`AgentOps: error: the preload could not start: ${String(e)}\n`);
  }
}
