import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addChatMessages, contentJson, MessagesJson, textParts } from '../src/index.js';

const LIMIT = 1_000_000;

// Strings with what JSON must escape: quotes, backslashes, control characters, lone and paired surrogates.
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', '"', '\\', '\n\t\u0000', '\ud800', '\udc00x', '😀', 'a'.repeat(2000), `${'b'.repeat(1500)}"`),
);
// The roles, types and finish reasons written as known literals, and near misses of them.
const known = fc.oneof(text, fc.constantFrom('user', 'assistant', 'system', 'tool', 'text', 'stop', 'User', 'stop ', 'tool_call'));
const part = fc.oneof(
  fc.record({ type: fc.constantFrom('text', 'reasoning', 'refusal'), content: known }),
  fc.record({ type: fc.constant('tool_call'), id: text, name: text, arguments: fc.jsonValue() }),
  fc.record({ type: fc.constant('text'), content: text, extra: fc.jsonValue() }),
  fc.anything(),
);
const message = fc.oneof(
  fc.record({ role: known, parts: fc.array(part, { maxLength: 4 }) }),
  fc.record({ role: known, parts: fc.array(part, { maxLength: 4 }), finish_reason: fc.option(known, { nil: undefined }) }),
  fc.record({ role: text, parts: fc.array(part), name: text }),
  fc.record({ role: fc.anything(), parts: fc.anything() }),
  fc.anything(),
);

describe('contentJson', () => {
  it('writes exactly what JSON.stringify writes, for GenAI messages and for anything else', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 5 }), (messages) => {
        let expected: string | undefined;
        try {
          expected = JSON.stringify(messages);
        } catch {
          expected = undefined; // a bigint somewhere: both give up
        }
        expect(contentJson(messages, LIMIT)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps what the hand-written path does not know: toJSON, class instances, holes, undefined items', () => {
    class Box {
      constructor(readonly v: number) {}
    }
    const odd: unknown[] = [
      { role: 'user', parts: [{ type: 'text', content: 'x', toJSON: () => 'replaced' }] },
      { role: 'user', parts: [new Box(1), new Date(0)] },
      undefined,
      () => 1,
      { role: 'user', parts: [{ type: 'text', content: 'x' }], finish_reason: 5 },
    ];
    // eslint-disable-next-line no-sparse-arrays
    const holes = [, { role: 'a', parts: [] }];
    expect(contentJson(odd, LIMIT)).toBe(JSON.stringify(odd));
    expect(contentJson(holes, LIMIT)).toBe(JSON.stringify(holes));
    const withToJson = Object.assign([{ role: 'a', parts: [] }], { toJSON: () => 'whole' });
    expect(contentJson(withToJson, LIMIT)).toBe('"whole"');
  });

  it('cuts at the limit, and gives up on what JSON cannot hold without throwing', () => {
    const long = [{ role: 'user', parts: [{ type: 'text', content: 'y'.repeat(100) }] }];
    expect(contentJson(long, 50)).toBe(`${JSON.stringify(long).slice(0, 50)}…[truncated by AgentOps at 50 characters]`);
    const cyclic: Record<string, unknown> = { role: 'user' };
    cyclic.parts = [cyclic];
    expect(contentJson([cyclic], LIMIT)).toBeUndefined();
    expect(contentJson([{ role: 'user', parts: [{ type: 'text', content: 1n }] }], LIMIT)).toBeUndefined();
    expect(contentJson('as it is', LIMIT)).toBe('as it is');
  });
});

describe('MessagesJson', () => {
  it('writes text messages and any other item exactly as JSON.stringify writes the messages they stand for', () => {
    const item = fc.oneof(
      fc.record({ role: known, content: text, finish: fc.option(known, { nil: undefined }) }).map((m) => ({ kind: 'text' as const, ...m })),
      message.map((m) => ({ kind: 'message' as const, m })),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 5 }), (items) => {
        const out = new MessagesJson();
        const same: unknown[] = [];
        for (const i of items) {
          if (i.kind === 'text') {
            out.text(i.role, i.content, i.finish);
            same.push({ role: i.role, parts: textParts(i.content), ...(i.finish === undefined ? {} : { finish_reason: i.finish }) });
          } else {
            out.message(i.m);
            same.push(i.m);
          }
        }
        let expected: string | undefined;
        try {
          expected = items.length ? JSON.stringify(same) : undefined;
        } catch {
          expected = undefined; // a bigint somewhere: no JSON for the list
        }
        expect(out.result(LIMIT)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws: an item JSON cannot hold leaves the list without JSON, and the result is cut at the limit', () => {
    const cyclic: Record<string, unknown> = { role: 'user' };
    cyclic.parts = [cyclic];
    const broken = new MessagesJson();
    broken.text('user', 'hello');
    expect(() => broken.message(cyclic)).not.toThrow();
    expect(broken.result(LIMIT)).toBeUndefined();
    const long = new MessagesJson();
    long.text('user', 'y'.repeat(100));
    expect(long.result(50)).toBe(`${JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'y'.repeat(100) }] }]).slice(0, 50)}…[truncated by AgentOps at 50 characters]`);
  });

  it('addChatMessages: an odd item is written as it is and costs the others nothing', () => {
    const out = new MessagesJson();
    addChatMessages(out, [null, 'x', { role: 'user', content: 'hi' }, { role: 'tool', tool_call_id: 'c1', content: 'sunny' }]);
    expect(JSON.parse(out.result(LIMIT)!)).toEqual([
      null,
      'x',
      { role: 'user', parts: [{ type: 'text', content: 'hi' }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: 'sunny' }] },
    ]);
  });
});
