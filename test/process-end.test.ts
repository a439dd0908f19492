import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const fixture = path.join(__dirname, 'fixtures', 'exit-paths.mjs');

interface Line {
  name: string;
  spanId: string;
  attributes: Record<string, unknown>;
  status: { code: number };
}

async function runPath(exitPath: string, signal?: NodeJS.Signals) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'agentops-exit-')), 'spans.jsonl');
  const child = spawn(process.execPath, [fixture, file, exitPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  if (signal) {
    await new Promise<void>((resolve) => child.stdout.on('data', (d) => String(d).includes('ready') && resolve()));
    child.kill(signal);
  }
  const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  const lines: Line[] = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
  const events = new Map(lines.filter((l) => l.attributes['agentops.span.kind'] === 'action').map((l) => [l.attributes['agentops.event.id'], l]));
  const sessions = lines.filter((l) => l.attributes['agentops.span.kind'] === 'session');
  return { code, sig, stderr, events, sessions, errors: lines.filter((l) => l.attributes['agentops.span.kind'] === 'error') };
}

describe('process end: nothing recorded is lost', () => {
  it('natural end of the event loop: Indeterminate, exit code 0', async () => {
    const r = await runPath('natural');
    expect(r.code).toBe(0);
    expect(r.events.size).toBe(200);
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0].attributes['agentops.session.end_state']).toBe('Indeterminate');
    expect(r.sessions[0].attributes['agentops.session.end_state_reason']).toBe('N/A (process exited without calling endSession)');
  });

  it.each([
    ['exit0', 0],
    ['exit3', 3],
  ])('process.exit called by the app (%s): synchronous hand-off, Indeterminate, exit code kept', async (p, code) => {
    const r = await runPath(p);
    expect(r.code).toBe(code);
    expect(r.events.size).toBe(200);
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0].attributes['agentops.session.end_state']).toBe('Indeterminate');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s: Failure "Signal … detected", then the process dies of the signal', async (sig) => {
    const r = await runPath('signal', sig);
    expect(r.sig).toBe(sig);
    expect(r.code).toBeNull();
    expect(r.events.size).toBe(200);
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0].attributes['agentops.session.end_state']).toBe('Failure');
    expect(r.sessions[0].attributes['agentops.session.end_state_reason']).toBe(`Signal ${sig} detected`);
    expect(r.sessions[0].status.code).toBe(2);
  });

  it("the app's own SIGTERM listener decides the exit; we only flush", async () => {
    const r = await runPath('signal-app-listener', 'SIGTERM');
    expect(r.code).toBe(7);
    expect(r.events.size).toBe(200);
    expect(r.sessions[0].attributes['agentops.session.end_state_reason']).toBe('Signal SIGTERM detected');
  });

  it.each([
    ['uncaught', 'Uncaught exception', 'Error: kaboom'],
    ['rejection', 'Unhandled rejection', 'TypeError: rejected kaboom'],
  ])('%s: Failure with the error and its stack, exit code 1', async (p, what, message) => {
    const r = await runPath(p);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message.split(': ')[1]);
    expect(r.events.size).toBe(200);
    const reason = String(r.sessions[0].attributes['agentops.session.end_state_reason']);
    expect(r.sessions[0].attributes['agentops.session.end_state']).toBe('Failure');
    expect(reason.startsWith(`${what}: ${message}`)).toBe(true);
    expect(reason).toContain('exit-paths.mjs');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].attributes['agentops.error.details']).toBe(message.split(': ')[1]);
  });
});
