/**
 * Bounded cache of verified-and-decrypted tokens, keyed by the token's digest. Entries
 * are dropped at the token's expiry; failures are never cached. It saves the
 * signature check and decryption only: revocation state is still read every time.
 */
export interface OpenCache<T> {
  /** The opened token: remembered, or opened now (concurrent opens of one token share the work). */
  get(token: string, open: () => Promise<T>, expiresAt: (value: T) => number): Promise<T>;
}

interface Entry<T> { value: Promise<T>; exp: number }

/** Creates an LRU of at most `max` entries; `now` is the clock in epoch seconds. */
export function createOpenCache<T>(max: number, now: () => number = () => Date.now() / 1000): OpenCache<T> {
  const entries = new Map<string, Entry<T>>();
  async function miss(token: string, open: () => Promise<T>, expiresAt: (value: T) => number): Promise<T> {
    const entry: Entry<T> = { value: open(), exp: Number.POSITIVE_INFINITY };
    entries.delete(token);
    entries.set(token, entry);
    if (entries.size > max) entries.delete(entries.keys().next().value as string);
    try {
      const result = await entry.value;
      entry.exp = expiresAt(result);
      return result;
    } catch (err) {
      if (entries.get(token) === entry) entries.delete(token);
      throw err;
    }
  }
  return {
    get(token, open, expiresAt) {
      const hit = entries.get(token);
      if (!hit || hit.exp <= now()) return miss(token, open, expiresAt);
      entries.delete(token); // most recently used goes last
      entries.set(token, hit);
      return hit.value;
    },
  };
}
