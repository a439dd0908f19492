import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootSpanIdFor } from '@agentops/model';
import { describe, expect, it } from 'vitest';

describe('inherited sessions across processes', () => {
  it('a second process writes into the same trace, parented under the root span id derived from the session id', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'agentops-inherit-')), 'spans.jsonl');
    const out = execFileSync(process.execPath, [path.join(__dirname, 'fixtures', 'inherited.mjs'), file], { encoding: 'utf8' });
    const lines = out.trim().split('\n');
    const sessionId = lines[lines.length - 1];
    expect(lines[0]).toBe(sessionId); // the child printed the same session id
    const spans = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const traceId = sessionId.replace(/-/g, '');
    expect(spans.length).toBe(4);
    expect(spans.every((s) => s.traceId === traceId)).toBe(true);
    const root = spans.find((s) => s.attributes['agentops.span.kind'] === 'session' && !s.attributes['agentops.session.inherited']);
    expect(root.spanId).toBe(rootSpanIdFor(sessionId));
    expect(root.parentSpanId).toBeUndefined();
    const joined = spans.find((s) => s.attributes['agentops.session.inherited'] === true);
    expect(joined.attributes['agentops.session.id']).toBe(sessionId);
    expect(joined.parentSpanId).toBe(root.spanId);
    const childAction = spans.find((s) => s.attributes['agentops.action.action_type'] === 'child-action');
    const parentAction = spans.find((s) => s.attributes['agentops.action.action_type'] === 'parent-action');
    expect(childAction.parentSpanId).toBe(root.spanId);
    expect(parentAction.parentSpanId).toBe(root.spanId);
  });
});
