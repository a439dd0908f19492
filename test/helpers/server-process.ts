import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const cli = path.join(path.dirname(createRequire(import.meta.url).resolve('@agentops/server/package.json')), 'dist', 'cli.js');

/** The server CLI in a child process; resolves with its URL once it printed its first line. */
export async function spawnServer(
  args: string[],
  node = process.execPath,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; url: string; stdout: () => string }> {
  const child = spawn(node, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^AgentOps server listening on (http:\/\/\S+)$/m.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  return { child, url, stdout: () => out };
}

export const exited = (child: ChildProcess) =>
  new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.on('exit', () => r())));
