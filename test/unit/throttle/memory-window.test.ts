/**
 * The memory window (src/throttle/memory-window.ts): the embedded store and the local
 * twin of every Redis counter. Fixed windows from a key's first hit, blocks, resets and
 * the sweep of expired windows, on a frozen clock.
 */
import { createMemoryWindow } from '../../../src/throttle/memory-window.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

describe('memory window', () => {
  it('counts hits per key within a window that opens at the first hit', () => {
    const c = clock();
    const w = createMemoryWindow(3, 60, c.now);
    expect(w.hit('a')).toEqual({ consumed: 1, resetMs: 60_000 });
    c.advance(10_000);
    expect(w.hit('a')).toEqual({ consumed: 2, resetMs: 50_000 });
    expect(w.hit('b')).toEqual({ consumed: 1, resetMs: 60_000 });
    // over the budget it keeps counting: the caller compares with the rate
    w.hit('a');
    expect(w.hit('a')).toEqual({ consumed: 4, resetMs: 50_000 });
  });

  it('starts a new window once the old one has ended, and peeks without counting', () => {
    const c = clock();
    const w = createMemoryWindow(3, 60, c.now);
    expect(w.peek('a')).toEqual({ consumed: 0, resetMs: 0 });
    w.hit('a');
    w.hit('a');
    expect(w.peek('a')).toEqual({ consumed: 2, resetMs: 60_000 });
    expect(w.peek('a')).toEqual({ consumed: 2, resetMs: 60_000 });
    c.advance(59_999);
    expect(w.peek('a').consumed).toBe(2);
    c.advance(1);
    expect(w.peek('a')).toEqual({ consumed: 0, resetMs: 0 });
    expect(w.hit('a')).toEqual({ consumed: 1, resetMs: 60_000 });
  });

  it('blocks a key above its points for the given seconds, whatever the window', () => {
    const c = clock();
    const w = createMemoryWindow(1, 900, c.now);
    w.block('k', 30);
    expect(w.peek('k')).toEqual({ consumed: 2, resetMs: 30_000 });
    c.advance(30_000);
    expect(w.peek('k')).toEqual({ consumed: 0, resetMs: 0 });
  });

  it('forgets a key on reset', () => {
    const w = createMemoryWindow(5, 60, clock().now);
    w.hit('a');
    w.reset('a');
    expect(w.peek('a')).toEqual({ consumed: 0, resetMs: 0 });
    expect(w.hit('a').consumed).toBe(1);
  });

  it('keeps live windows through the sweep of expired ones', () => {
    const c = clock();
    const w = createMemoryWindow(5, 1, c.now);
    w.hit('old');
    c.advance(500);
    w.hit('live');
    c.advance(600); // 'old' ended, 'live' has 400 ms left
    for (let i = 0; i < 10_000; i++) w.hit(`k${i}`); // the sweep runs on the 10,000th new window
    expect(w.peek('live')).toEqual({ consumed: 1, resetMs: 400 });
    expect(w.peek('old')).toEqual({ consumed: 0, resetMs: 0 });
  });
});
