/**
 * The token endpoints' layers (src/http/chain.ts `steps`) continue synchronously where
 * nothing is pending, and hand back the promise when something is; errors thrown on
 * either side reach the caller, and next() twice in one layer is refused.
 */
import { steps, then } from '../../../src/http/chain.js';
import { createTtlCache } from '../../../src/http/ttl-cache.js';

type Ctx = { seen: string[] };
type Layer = (ctx: Ctx, next: () => void | Promise<void>) => void | Promise<void>;
const mark = (name: string): Layer => (ctx, next) => { ctx.seen.push(name); return next(); };

describe('steps', () => {
  it('runs synchronous layers in order without a promise, the caller\'s next last', () => {
    const ctx: Ctx = { seen: [] };
    const result = steps<Ctx>([mark('a'), mark('b')])(ctx, () => { ctx.seen.push('end'); });
    expect(result).toBeUndefined();
    expect(ctx.seen).toEqual(['a', 'b', 'end']);
  });

  it('gives back the promise of a layer that waits, and the layers after it run when it settles', async () => {
    const ctx: Ctx = { seen: [] };
    const waits: Layer = (c, next) => Promise.resolve().then(() => { c.seen.push('waited'); return next(); });
    const result = steps<Ctx>([mark('a'), waits, mark('c')])(ctx, () => undefined);
    expect(result).toBeInstanceOf(Promise);
    expect(ctx.seen).toEqual(['a']);
    await result;
    expect(ctx.seen).toEqual(['a', 'waited', 'c']);
  });

  it('throws a synchronous layer\'s error to the caller at once, and rejects with an async one\'s', async () => {
    const boom: Layer = () => { throw new Error('sync'); };
    expect(() => steps<Ctx>([mark('a'), boom])({ seen: [] }, () => undefined)).toThrow('sync');
    const later: Layer = async () => { throw new Error('async'); };
    await expect(steps<Ctx>([later])({ seen: [] }, () => undefined)).rejects.toThrow('async');
  });

  it('refuses a second next() in one layer', () => {
    const twice: Layer = (_c, next) => { void next(); return next(); };
    expect(() => steps<Ctx>([twice, mark('b')])({ seen: [] }, () => undefined)).toThrow('next() called multiple times');
  });
});

describe('then', () => {
  it('applies now to a value, after settling to a promise', async () => {
    expect(then(2, (v) => v * 3)).toBe(6);
    const later = then(Promise.resolve(2), (v) => v * 3);
    expect(later).toBeInstanceOf(Promise);
    await expect(later).resolves.toBe(6);
  });
});

describe('createTtlCache', () => {
  it('answers a completed lookup with its value, shares a pending one, and forgets a failed one', async () => {
    let loads = 0;
    let fail = true;
    const cache = createTtlCache(async (key: string) => {
      loads += 1;
      if (fail) throw new Error('down');
      return `v:${key}`;
    }, 60_000);
    await expect(cache('k')).rejects.toThrow('down');
    fail = false;
    const first = cache('k');
    expect(cache('k')).toBe(first); // shared while pending
    await expect(first).resolves.toBe('v:k');
    expect(cache('k')).toBe('v:k'); // remembered: no promise
    expect(loads).toBe(2);
  });
});
