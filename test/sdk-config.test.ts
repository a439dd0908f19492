import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as agentops from '@agentops/otel';

function llmSpanOf(options: Record<string, unknown>, preload: string[] = []): { attributes: Record<string, unknown> } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'agentops-config-')), 'spans.jsonl');
  execFileSync(process.execPath, [...preload, path.join(__dirname, 'fixtures', 'one-config.cjs'), file, JSON.stringify(options)], {
    env: { ...process.env, AGENTOPS_MAX_FIELD_SIZE: '', AGENTOPS_CAPTURE_CONTENT: '' },
  });
  const spans = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return spans.find((s) => s.attributes['agentops.span.kind'] === 'llm');
}

describe('one configuration for the whole SDK', () => {
  it("init({ maxFieldSize }) cuts the prompts the openai instrumentation captures", () => {
    const cut = String(llmSpanOf({ maxFieldSize: 50 }).attributes['gen_ai.input.messages']);
    expect(cut.startsWith(JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'x' }] }]).slice(0, 20))).toBe(true);
    expect(cut).toMatch(/^.{50}…\[truncated by AgentOps at 50 characters\]$/);
    expect(String(llmSpanOf({}).attributes['gen_ai.input.messages']).length).toBeGreaterThan(500);
  });

  it("under the preload, the app's own init(options) is the configuration (its exporter, its field size)", () => {
    const cut = String(llmSpanOf({ maxFieldSize: 50 }, ['--require', '@agentops/otel/register']).attributes['gen_ai.input.messages']);
    expect(cut).toMatch(/^.{50}…\[truncated by AgentOps at 50 characters\]$/);
  });

  it('init({ captureContent: false }) keeps the prompt out of the captured span', () => {
    const span = llmSpanOf({ captureContent: false });
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
  });
});

describe('Session properties are read-only', () => {
  it('assigning one throws and changes nothing; the methods change them', async () => {
    const s = agentops.startSession({ tags: ['a'] });
    // @ts-expect-error tags is read-only
    expect(() => (s.tags = ['b'])).toThrow(TypeError);
    // @ts-expect-error endState is read-only
    expect(() => (s.endState = 'Success')).toThrow(TypeError);
    // @ts-expect-error projectId is read-only
    expect(() => (s.projectId = 'p')).toThrow(TypeError);
    expect(s.tags).toEqual(['a']);
    s.addTags(['b']);
    expect(s.tags).toEqual(['a', 'b']);
    await s.endSession('Failure');
    expect(s.endState).toBe('Failure');
    await agentops.shutdown();
  });
});
