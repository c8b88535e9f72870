/**
 * Memoises an async lookup for a short time. Used for registry reads on the token
 * path (resource servers, clients): an admin change takes effect within `ttlMs`
 * without a restart, and the hot path does not hit the database on every request.
 * A hit on a lookup that has completed answers with the value itself, not a promise
 * (the token endpoints' layers continue synchronously then: chain.ts).
 */
export function createTtlCache<V>(load: (key: string) => Promise<V>, ttlMs: number, max = 10_000): (key: string) => V | Promise<V> {
  const entries = new Map<string, { value: Promise<V>; until: number; done: boolean; result?: V }>();
  return (key) => {
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.until > now) return hit.done ? hit.result as V : hit.value;
    if (entries.size >= max) entries.clear();
    const value = load(key);
    const entry: { value: Promise<V>; until: number; done: boolean; result?: V } = { value, until: now + ttlMs, done: false };
    entries.set(key, entry);
    value.then((result) => { entry.result = result; entry.done = true; }, () => { if (entries.get(key) === entry) entries.delete(key); });
    return value;
  };
}
