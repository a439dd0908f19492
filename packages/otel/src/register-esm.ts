/**
 * `node --import @agentops/otel/register app.mjs` (ESM apps; also via NODE_OPTIONS). Registers
 * import-in-the-middle's loader hook so that only the modules an instrumentation asked for (openai,
 * @anthropic-ai/sdk) are wrapped, waits until the loader acknowledged them, then starts AgentOps as the
 * CommonJS preload does.
 */
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { init } from '@agentops/otel';

if (isMainThread && !/^(1|true|yes|on)$/i.test(process.env.OTEL_SDK_DISABLED?.trim() ?? '')) {
  try {
    const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
    register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
    (globalThis as Record<symbol, unknown>)[Symbol.for('agentops.esmLoaderHook')] = true;
    init();
    await waitForAllMessagesAcknowledged();
  } catch (e) {
    process.stderr.write(`AgentOps: error: the preload could not start: ${String(e)}\n`);
  }
}
