import { describe, expect, it } from 'vitest';
import * as agentops from '../src/index.js';
import { safeJson, toAttributeString, truncationMarker } from '../src/serialize.js';
import { byKind, initInMemory, resetAfterEach } from './helpers.js';

resetAfterEach();

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  norm() {
    return Math.hypot(this.x, this.y);
  }
}

describe('safe serialization of params and returns', () => {
  it('handles cycles, BigInt, functions, Buffers, class instances, Maps, Sets, Dates and Errors', () => {
    const cyclic: Record<string, unknown> = { name: 'root' };
    cyclic.self = cyclic;
    const value = {
      cyclic,
      big: 12345678901234567890n,
      fn: function named() {},
      arrow: [() => 1],
      buf: Buffer.from('hello'),
      typed: new Uint8Array(3),
      point: new Point(3, 4),
      map: new Map([['k', 1]]),
      set: new Set(['a']),
      date: new Date('2026-01-02T03:04:05.000Z'),
      err: new Error('bad'),
      nan: NaN,
      undef: undefined,
    };
    const parsed = JSON.parse(safeJson(value));
    expect(parsed.cyclic).toEqual({ name: 'root', self: '[Circular]' });
    expect(parsed.big).toBe('12345678901234567890');
    expect(parsed).not.toHaveProperty('fn');
    expect(parsed.arrow).toEqual(['[Function anonymous]']);
    expect(parsed.buf).toBe('[Buffer 5 bytes]');
    expect(parsed.typed).toBe('[Uint8Array 3 bytes]');
    expect(parsed.point).toEqual({ x: 3, y: 4 });
    expect(parsed.map).toEqual([['k', 1]]);
    expect(parsed.set).toEqual(['a']);
    expect(parsed.date).toBe('2026-01-02T03:04:05.000Z');
    expect(parsed.err).toMatchObject({ name: 'Error', message: 'bad' });
    expect(parsed.nan).toBe('NaN');
    expect(parsed).not.toHaveProperty('undef');
  });

  it('survives getters that throw and hostile Proxies', () => {
    const getter = {
      ok: 1,
      get bad(): number {
        throw new Error('no reading me');
      },
    };
    expect(JSON.parse(safeJson(getter))).toEqual({ ok: 1, bad: '[Unreadable: no reading me]' });
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(safeJson({ p: proxy })).toBe('"[Unserializable: trap]"');
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    expect(() => safeJson(revocable.proxy)).not.toThrow();
  });

  it('cuts any field past the limit with a visible marker, and stops walking huge values', () => {
    const big = 'x'.repeat(100_000);
    const cut = toAttributeString(big, 1000)!;
    expect(cut.startsWith('x'.repeat(1000))).toBe(true);
    expect(cut.endsWith(truncationMarker(1000))).toBe(true);
    const huge = Array.from({ length: 1_000_000 }, (_, i) => ({ i, text: 'lorem ipsum' }));
    const t0 = performance.now();
    const out = safeJson(huge, 2000);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(out.length).toBe(2000 + truncationMarker(2000).length);
  });

  it('records such values through record() without throwing, with the configured limit', async () => {
    const { session, spans } = initInMemory({ maxFieldSize: 100 });
    const cyclic: Record<string, unknown> = {};
    cyclic.me = cyclic;
    session!.record(new agentops.ActionEvent({ actionType: 'weird', params: cyclic, returns: 'y'.repeat(500) }));
    const [a] = byKind(await spans(), 'action');
    expect(a.attributes['agentops.action.params']).toBe('{"me":"[Circular]"}');
    expect(a.attributes['agentops.action.returns']).toBe('y'.repeat(100) + truncationMarker(100));
  });
});

describe('hostile event contents never throw into the app', () => {
  it('cycles, huge arrays, throwing getters and trapping Proxies in every field of every event kind', async () => {
    const { session, spans } = initInMemory({ maxFieldSize: 4096 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const getter = Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('getter'); } });
    const trap = new Proxy({}, { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); }, getPrototypeOf: () => { throw new Error('trap'); } });
    const huge = new Array(2_000_000).fill({ a: 1 });
    const hostile = [cyclic, getter, trap, huge, 10n ** 30n, Symbol('s'), () => 1];
    for (const v of hostile) {
      expect(() => session!.record(new agentops.ActionEvent({ actionType: 'x', params: v, returns: v, logs: v }))).not.toThrow();
      expect(() => session!.record(new agentops.ToolEvent({ name: 'x', params: v, returns: v }))).not.toThrow();
      expect(() => session!.record(new agentops.LLMEvent({ model: 'gpt-4o', prompt: v, completion: v, params: v }))).not.toThrow();
      expect(() => session!.record(new agentops.ErrorEvent({ exception: v, logs: v }))).not.toThrow();
    }
    expect(() => session!.record(trap as never)).not.toThrow();
    expect(() => session!.setTags(trap as never)).not.toThrow();
    const all = await spans();
    expect(all.filter((s) => s.attributes['agentops.span.kind'] === 'action')).toHaveLength(hostile.length);
    for (const s of all) for (const v of Object.values(s.attributes)) if (typeof v === 'string') expect(v.length).toBeLessThanOrEqual(4096 + 100);
  });
});
