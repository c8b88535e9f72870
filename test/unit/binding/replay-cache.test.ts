import { createReplayCache } from '../../../src/binding/index.js';

describe('createReplayCache', () => {
  it('accepts a key once until it expires', () => {
    let now = 100;
    const cache = createReplayCache({ now: () => now });
    expect(cache.firstUse('k', 160)).toBe(true);
    expect(cache.firstUse('k', 160)).toBe(false);
    now = 161;
    expect(cache.firstUse('k', 220)).toBe(true);
  });

  it('stays within its bound, evicting the oldest entries', () => {
    const cache = createReplayCache({ max: 3, now: () => 0 });
    for (const k of ['a', 'b', 'c', 'd']) expect(cache.firstUse(k, 100)).toBe(true);
    expect(cache.firstUse('d', 100)).toBe(false);
    expect(cache.firstUse('a', 100)).toBe(true);
  });
});
