/**
 * Lookups remembered for a short time, per process. Registry records, role grants,
 * lockouts and step-up requirements are read on every token request; remembering them
 * for about a second keeps the database off the hot path while a change made anywhere
 * still takes effect within that second. The pending lookup is what is remembered, so
 * requests arriving together share one query; a failed lookup is forgotten at once.
 */

export interface TtlCache<V> {
  /** The remembered value, or a fresh lookup once the last one is older than the TTL. */
  get(key: string): Promise<V>;
  /** Drops a key after a write, so the next get reads it again. */
  forget(key: string): void;
}

export interface TtlCacheOptions {
  /** how long a lookup is remembered, in milliseconds */
  ttlMs: number;
  /** the clock, epoch milliseconds (tests pass their own) */
  now?: () => number;
  /** most keys kept; beyond it the cache starts over */
  max?: number;
}

/** Remembers `load(key, now)` per key for `ttlMs`. */
export function createTtlCache<V>(load: (key: string, now: number) => Promise<V>, opts: TtlCacheOptions): TtlCache<V> {
  const now = opts.now ?? Date.now;
  const max = opts.max ?? 10_000;
  const entries = new Map<string, { value: Promise<V>; at: number }>();
  return {
    get(key) {
      const t = now();
      const hit = entries.get(key);
      if (hit && hit.at <= t && t - hit.at < opts.ttlMs) return hit.value;
      if (entries.size >= max) entries.clear();
      const entry = { value: load(key, t), at: t };
      entries.set(key, entry);
      entry.value.catch(() => { if (entries.get(key) === entry) entries.delete(key); });
      return entry.value;
    },
    forget(key) {
      entries.delete(key);
    },
  };
}
