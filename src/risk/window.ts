/**
 * Bounded in-memory sliding windows: per key, the values seen with their time. Used by
 * the high-rate signals (introspection); when `max` keys are held the least recently
 * touched key goes first.
 */
export interface Windows {
  /** Records `value` under `key` at `at` (ms) and returns the entries still inside `windowMs`. */
  add(key: string, value: string, at: number, windowMs: number): { value: string; at: number }[];
  /** The entries inside the window without adding. */
  peek(key: string, at: number, windowMs: number): { value: string; at: number }[];
}

/** Creates the windows. */
export function createWindows(max = 50_000): Windows {
  const map = new Map<string, { value: string; at: number }[]>();
  function live(key: string, at: number, windowMs: number) {
    const entries = (map.get(key) ?? []).filter((e) => at - e.at < windowMs && e.at <= at);
    map.delete(key);
    return entries;
  }
  return {
    add(key, value, at, windowMs) {
      const entries = live(key, at, windowMs);
      entries.push({ value, at });
      if (entries.length > 10_000) entries.shift();
      map.set(key, entries);
      if (map.size > max) map.delete(map.keys().next().value as string);
      return entries;
    },
    peek(key, at, windowMs) {
      const entries = live(key, at, windowMs);
      if (entries.length) map.set(key, entries);
      return entries;
    },
  };
}

/** Distinct values among the entries. */
export function distinct(entries: { value: string }[]): number {
  return new Set(entries.map((e) => e.value)).size;
}
