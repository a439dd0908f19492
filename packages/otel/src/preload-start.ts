import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** npm, npx, pnpm, yarn, corepack, bun's npm shims: package managers, never the app. */
const PACKAGE_MANAGER = /^(npm-cli|npx-cli|npm|npx|pnpm|pnpx|yarn|yarnpkg|corepack)(\.c?js|\.mjs)?$/i;

/**
 * Whether the preload should start AgentOps in this process: the main thread of an app, not a package
 * manager's own process (`NODE_OPTIONS="--import @agentops/otel/register" npm start` reaches npm first), and
 * not with `OTEL_SDK_DISABLED=true`.
 */
export function preloadApplies(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!isMainThread) return false;
  if (/^(1|true|yes|on)$/i.test(env.OTEL_SDK_DISABLED?.trim() ?? '')) return false;
  const main = argv[1];
  return !(main && PACKAGE_MANAGER.test(path.basename(main)));
}
