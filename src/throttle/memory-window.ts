/**
 * Fixed-window counters in process memory: the embedded store, and the local twin of
 * every Redis counter. Plain data in a map, so reads and writes are plain function
 * calls; the throttle's own `check` is the async boundary. A window opens at a key's
 * first hit and lasts `durationSec`; expired windows are swept as the map grows.
 */
export interface WindowCount {
  consumed: number;
  /** ms until the window (or block) ends */
  resetMs: number;
}

export interface MemoryWindow {
  hit(key: string): WindowCount;
  peek(key: string): WindowCount;
  /** peek's `consumed` alone (no object: the hot path reads several per request) */
  consumed(key: string): number;
  /** Holds the key at points + 1 for `seconds`. */
  block(key: string, seconds: number): void;
  reset(key: string): void;
}

interface Entry { count: number; endsAt: number }

const SWEEP_EVERY = 10_000; // new windows between sweeps of expired ones

/** Counters of `points` per `durationSec` (the rate only matters to `block`). */
export function createMemoryWindow(points: number, durationSec: number, now: () => number = Date.now): MemoryWindow {
  const entries = new Map<string, Entry>();
  let created = 0;
  const live = (key: string, t: number): Entry | undefined => {
    const e = entries.get(key);
    if (e && e.endsAt <= t) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  const open = (key: string, entry: Entry, t: number): void => {
    if (++created % SWEEP_EVERY === 0) sweep(entries, t);
    entries.set(key, entry);
  };
  return {
    hit(key) {
      const t = now();
      let e = live(key, t);
      if (!e) open(key, (e = { count: 0, endsAt: t + durationSec * 1000 }), t);
      e.count += 1;
      return { consumed: e.count, resetMs: e.endsAt - t };
    },
    peek(key) {
      const t = now();
      const e = live(key, t);
      return e ? { consumed: e.count, resetMs: e.endsAt - t } : { consumed: 0, resetMs: 0 };
    },
    consumed(key) {
      return live(key, now())?.count ?? 0;
    },
    block(key, seconds) {
      const t = now();
      open(key, { count: points + 1, endsAt: t + seconds * 1000 }, t);
    },
    reset(key) {
      entries.delete(key);
    },
  };
}

function sweep(entries: Map<string, Entry>, t: number): void {
  for (const [key, e] of entries) if (e.endsAt <= t) entries.delete(key);
}
