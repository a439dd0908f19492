import { describe, expect, it } from 'vitest';
import { addOpenCall, MAX_OPEN_CALLS, openCalls, removeOpenCall, type OpenCall } from '../src/open-calls.js';

/** A call as the list sees it; ending it takes it out, as LlmCall.end does. */
function fakeCall(traceId: string, ended: string[]): OpenCall {
  const call: OpenCall = {
    openPrev: undefined,
    openNext: undefined,
    traceId,
    endIncomplete() {
      ended.push(traceId);
      removeOpenCall(call);
    },
  };
  return call;
}

function inOrder(): string[] {
  const ids: string[] = [];
  for (let c = openCalls.first; c !== undefined; c = c.openNext) ids.push(c.traceId);
  return ids;
}

describe('open calls: the list shared with the SDK', () => {
  it('keeps the calls oldest first; a call leaves it once, from anywhere in it', () => {
    const ended: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => fakeCall(id, ended)) as [OpenCall, OpenCall, OpenCall, OpenCall];
    for (const call of [a, b, c, d]) addOpenCall(call);
    expect(inOrder()).toEqual(['a', 'b', 'c', 'd']);
    removeOpenCall(b);
    removeOpenCall(b); // twice: nothing more
    removeOpenCall(fakeCall('never added', ended));
    expect(inOrder()).toEqual(['a', 'c', 'd']);
    expect(openCalls.size).toBe(3);
    removeOpenCall(a);
    removeOpenCall(d);
    expect(inOrder()).toEqual(['c']);
    expect(openCalls.last).toBe(c);
    removeOpenCall(c);
    expect([openCalls.first, openCalls.last, openCalls.size]).toEqual([undefined, undefined, 0]);
    expect(ended).toEqual([]);
  });

  it('is shared through a global by every copy of the module', () => {
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('agentops.openLlmCalls.list')]).toBe(openCalls);
  });

  it(`ends the oldest call as incomplete past ${MAX_OPEN_CALLS}: memory stays bounded`, () => {
    const ended: string[] = [];
    const calls = Array.from({ length: MAX_OPEN_CALLS + 2 }, (_, i) => fakeCall(String(i), ended));
    for (const call of calls) addOpenCall(call);
    expect(ended).toEqual(['0', '1']);
    expect(openCalls.size).toBe(MAX_OPEN_CALLS);
    expect(openCalls.first?.traceId).toBe('2');
    for (const call of calls) removeOpenCall(call);
    expect(openCalls.size).toBe(0);
  });

  it('a call that throws when ended past the bound still leaves the list, and the new call is added', () => {
    const ended: string[] = [];
    const broken: OpenCall = {
      openPrev: undefined,
      openNext: undefined,
      traceId: 'broken',
      endIncomplete() {
        throw new Error('cannot end');
      },
    };
    addOpenCall(broken);
    const calls = Array.from({ length: MAX_OPEN_CALLS }, (_, i) => fakeCall(String(i), ended));
    expect(() => {
      for (const call of calls) addOpenCall(call);
    }).not.toThrow();
    expect(openCalls.size).toBe(MAX_OPEN_CALLS);
    expect(openCalls.first?.traceId).toBe('0');
    expect(openCalls.last?.traceId).toBe(String(MAX_OPEN_CALLS - 1));
    for (const call of calls) removeOpenCall(call);
    expect(openCalls.size).toBe(0);
  });
});
