import { createReplayCache, withReplayHook } from '../../../src/binding/index.js';

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

describe('replay hooks (a replayed DPoP proof is a risk signal)', () => {
  it('reports each replay to onReplay, and withReplayHook does the same for any cache', async () => {
    const seen: string[] = [];
    const cache = createReplayCache({ now: () => 1000, onReplay: (key) => seen.push(`own:${key}`) });
    expect(cache.firstUse('a', 1060)).toBe(true);
    expect(cache.firstUse('a', 1060)).toBe(false);
    const wrapped = withReplayHook({ firstUse: async (key) => key !== 'dup' }, (key) => seen.push(`wrapped:${key}`));
    expect(await wrapped.firstUse('fresh', 1060)).toBe(true);
    expect(await wrapped.firstUse('dup', 1060)).toBe(false);
    expect(seen).toEqual(['own:a', 'wrapped:dup']);
  });
});
