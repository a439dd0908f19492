import { existsSync, readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

declare const __AGENTOPS_SDK_VERSION__: string;
/** This SDK's version, put in at build time. */
export const SDK_VERSION: string = typeof __AGENTOPS_SDK_VERSION__ === 'string' ? __AGENTOPS_SDK_VERSION__ : '0.0.0-dev';
export const SDK_NAME = '@agentops/otel';

let cached: { full: Record<string, unknown>; minimal: Record<string, unknown> } | undefined;

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

function appPackage(cwd: string): { name?: string; version?: string; dependencies?: Record<string, string> } {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        return {
          name: typeof pkg.name === 'string' ? pkg.name : undefined,
          version: typeof pkg.version === 'string' ? pkg.version : undefined,
          dependencies: { ...(pkg.dependencies as Record<string, string>), ...(pkg.devDependencies as Record<string, string>) },
        };
      } catch {
        return {};
      }
    }
    if (path.dirname(dir) === dir) return {};
  }
}

function disk(cwd: string): Record<string, string> | undefined {
  try {
    const s = statfsSync(cwd);
    const total = s.blocks * s.bsize;
    const free = s.bavail * s.bsize;
    return { Total: gib(total), Used: gib(total - s.bfree * s.bsize), Free: gib(free) };
  } catch {
    return undefined;
  }
}

/**
 * The host environment a session reports (SPEC §2), read once per process. With `optOut`, only the SDK,
 * the OS and the working directory are kept.
 */
export function hostEnv(optOut: boolean): Record<string, unknown> {
  if (!cached) {
    const cwd = process.cwd();
    const sdk = { Name: SDK_NAME, Version: SDK_VERSION, 'Node Version': process.version };
    const osInfo = { Platform: process.platform, Release: os.release(), Arch: process.arch };
    const minimal = { SDK: sdk, OS: osInfo, 'Working Directory': cwd };
    let full: Record<string, unknown> = minimal;
    try {
      const cpus = os.cpus();
      const app = appPackage(cwd);
      full = {
        ...minimal,
        OS: { ...osInfo, Hostname: os.hostname(), Version: os.version() },
        CPU: { Model: cpus[0]?.model ?? 'unknown', Count: cpus.length },
        RAM: { Total: gib(os.totalmem()), Available: gib(os.freemem()) },
        Disk: disk(cwd),
        Project: { Name: app.name, Version: app.version },
        'Installed Packages': app.dependencies ?? {},
      };
    } catch {
      // A sandbox that forbids one of these reads still gets the minimal set.
    }
    cached = { full, minimal };
  }
  return optOut ? cached.minimal : cached.full;
}
