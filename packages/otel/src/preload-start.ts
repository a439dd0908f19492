import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

// What the preload decides before AgentOps itself is loaded: only modules Node has loaded at its own start-up.

/** npm, npx, pnpm, yarn, corepack, bun's npm shims: package managers, never the app. */
const PACKAGE_MANAGER = /^(npm-cli|npx-cli|npm|npx|pnpm|pnpx|yarn|yarnpkg|corepack)(\.c?js|\.mjs)?$/i;

/**
 * Whether the preload should start AgentOps in this process: an app, not a package manager's own process
 * (`NODE_OPTIONS="--import @agentops/otel/register" npm start` reaches npm first), and not with
 * `OTEL_SDK_DISABLED=true`. Worker threads are told apart once AgentOps loads (`_initFromPreload`).
 */
export function preloadApplies(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  if (/^(1|true|yes|on)$/i.test(env.OTEL_SDK_DISABLED?.trim() ?? '')) return false;
  const main = argv[1];
  return !(main && PACKAGE_MANAGER.test(path.basename(main)));
}

/** Whether the app's entry point is an ES module (where libraries are imported, not required). */
export function mainIsEsm(main: string | undefined = process.argv[1]): boolean {
  if (!main) return false;
  if (/\.mjs$/.test(main)) return true;
  if (/\.cjs$/.test(main)) return false;
  for (let dir = path.dirname(path.resolve(main)); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}
