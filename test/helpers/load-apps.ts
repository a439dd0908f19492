import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * `count` processes of the load app (`fixtures/load-app.mjs`: `sessions` sessions of `events` events each),
 * sending to `endpoint` with `key`; resolves with each one's stdout (its last line is what it recorded).
 */
export function runLoadApps(count: number, sessions: number, events: number, endpoint: string, key: string): Promise<string[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, [path.join(__dirname, '..', 'fixtures', 'load-app.mjs'), String(sessions), String(events)], {
            env: { ...process.env, AGENTOPS_API_KEY: key, AGENTOPS_API_ENDPOINT: endpoint },
          });
          let out = '';
          let err = '';
          child.stdout.on('data', (d) => (out += d));
          child.stderr.on('data', (d) => (err += d));
          child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`app exited ${code}: ${err}`))));
        }),
    ),
  );
}
