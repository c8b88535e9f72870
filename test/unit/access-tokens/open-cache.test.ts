import { createOpenCache } from '../../../src/access-tokens/open-cache.js';

describe('open cache', () => {
  it('opens each token once while it is live, and again after its expiry', async () => {
    let now = 1000;
    const cache = createOpenCache<{ exp: number }>(10, () => now);
    let opens = 0;
    const open = async () => { opens++; return { exp: 1100 }; };
    await cache.get('t', open, (v) => v.exp);
    await cache.get('t', open, (v) => v.exp);
    expect(opens).toBe(1);
    now = 1100;
    await cache.get('t', open, (v) => v.exp);
    expect(opens).toBe(2);
  });

  it('never caches a failure', async () => {
    const cache = createOpenCache<{ exp: number }>(10, () => 0);
    let calls = 0;
    const failing = async () => { calls++; throw new Error('invalid token'); };
    await expect(cache.get('t', failing, (v) => v.exp)).rejects.toThrow('invalid token');
    await expect(cache.get('t', async () => ({ exp: 5 }), (v) => v.exp)).resolves.toEqual({ exp: 5 });
    expect(calls).toBe(1);
  });

  it('shares one open between concurrent lookups and stays bounded', async () => {
    const cache = createOpenCache<{ exp: number }>(3, () => 0);
    let opens = 0;
    const open = async () => { opens++; return { exp: 10 }; };
    await Promise.all([cache.get('a', open, (v) => v.exp), cache.get('a', open, (v) => v.exp)]);
    expect(opens).toBe(1);
    for (const k of ['b', 'c', 'd']) await cache.get(k, open, (v) => v.exp);
    await cache.get('a', open, (v) => v.exp); // evicted (least recently used) → opened again
    expect(opens).toBe(5);
  });

  it('hands a lookup made while the open is pending, and a later hit, the same opened value', async () => {
    const cache = createOpenCache<{ exp: number }>(3, () => 0);
    let release: (v: { exp: number }) => void = () => undefined;
    let opens = 0;
    const slow = () => { opens++; return new Promise<{ exp: number }>((resolve) => { release = resolve; }); };
    const first = cache.get('a', slow, (v) => v.exp);
    const second = cache.get('a', async () => { opens++; return { exp: 99 }; }, (v) => v.exp);
    release({ exp: 10 });
    const value = await first;
    expect(await second).toBe(value);
    expect(await cache.get('a', async () => { opens++; return { exp: 99 }; }, (v) => v.exp)).toBe(value);
    expect(opens).toBe(1);
  });
});
