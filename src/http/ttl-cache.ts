/**
 * Memoises an async lookup for a short time. Used for registry reads on the token
 * path (resource servers, clients): an admin change takes effect within `ttlMs`
 * without a restart, and the hot path does not hit the database on every request.
 */
export function createTtlCache<V>(load: (key: string) => Promise<V>, ttlMs: number, max = 10_000): (key: string) => Promise<V> {
  const entries = new Map<string, { value: Promise<V>; until: number }>();
  return (key) => {
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.until > now) return hit.value;
    if (entries.size >= max) entries.clear();
    const value = load(key);
    entries.set(key, { value, until: now + ttlMs });
    value.catch(() => entries.delete(key));
    return value;
  };
}
