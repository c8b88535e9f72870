/**
 * Bounded cache of verified-and-decrypted tokens, keyed by the token string. Entries
 * are dropped at the token's expiry; failures are never cached. It saves the
 * signature check and decryption only: revocation state is still read every time.
 */
export interface OpenCache<T> {
  get(token: string, open: () => Promise<T>, expiresAt: (value: T) => number): Promise<T>;
}

/** Creates an LRU of at most `max` entries (promises, so concurrent opens share work). */
export function createOpenCache<T>(max: number, now: () => number = () => Date.now() / 1000): OpenCache<T> {
  const entries = new Map<string, { value: Promise<T>; exp: number }>();
  async function miss(token: string, open: () => Promise<T>, expiresAt: (value: T) => number): Promise<T> {
    entries.delete(token);
    const value = open();
    const entry = { value, exp: Number.POSITIVE_INFINITY };
    entries.set(token, entry);
    if (entries.size > max) entries.delete(entries.keys().next().value as string);
    try {
      entry.exp = expiresAt(await value);
      return value;
    } catch (err) {
      entries.delete(token);
      throw err;
    }
  }
  return {
    // a hit hands back the stored promise itself: no promise of its own per lookup
    get(token, open, expiresAt) {
      const hit = entries.get(token);
      if (!hit || hit.exp <= now()) return miss(token, open, expiresAt);
      entries.delete(token);
      entries.set(token, hit);
      return hit.value;
    },
  };
}
