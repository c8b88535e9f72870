/**
 * Database lookups remembered per key for a short time, shared by every process through
 * the database itself (lockouts, step-up requirements). The pending lookup is what is
 * remembered, so requests arriving together share one query; a failed one is forgotten.
 */
export interface Remembered<V> {
  /** the value itself once its lookup has completed (no promise), else the pending lookup */
  get(key: string): V | Promise<V>;
  /** drops the key after a write, so the next get reads it again */
  forget(key: string): void;
}

/** `load(key, now)` at most once per key per `ms` (clock `now`, epoch ms). */
export function rememberLookups<V>(load: (key: string, now: number) => Promise<V>, opts: { ms: number; now: () => number; max?: number }): Remembered<V> {
  const cache = new Map<string, { value: Promise<V>; at: number; done: boolean; result?: V }>();
  return {
    get(key) {
      const now = opts.now();
      const hit = cache.get(key);
      if (hit && now - hit.at < opts.ms && hit.at <= now) return hit.done ? hit.result as V : hit.value;
      const value = load(key, now);
      if (cache.size >= (opts.max ?? 10_000)) cache.clear();
      const entry: { value: Promise<V>; at: number; done: boolean; result?: V } = { value, at: now, done: false };
      cache.set(key, entry);
      value.then((result) => { entry.result = result; entry.done = true; }, () => { if (cache.get(key) === entry) cache.delete(key); });
      return value;
    },
    forget: (key) => { cache.delete(key); },
  };
}
