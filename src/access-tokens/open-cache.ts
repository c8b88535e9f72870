/**
 * Bounded cache of verified-and-decrypted tokens, keyed by the token string. Entries
 * are dropped at the token's expiry; failures are never cached. It saves the
 * signature check and decryption only: revocation state is still read every time.
 */
export interface OpenCache<T> {
  /** A hit on a completed open answers with the value itself, not a promise. */
  get(token: string, open: () => Promise<T>, expiresAt: (value: T) => number): T | Promise<T>;
}

interface Entry<T> { value: Promise<T>; exp: number; done: boolean; result?: T }

/** Creates an LRU of at most `max` entries (promises, so concurrent opens share work). */
export function createOpenCache<T>(max: number, now: () => number = () => Date.now() / 1000): OpenCache<T> {
  const entries = new Map<string, Entry<T>>();
  async function miss(token: string, open: () => Promise<T>, expiresAt: (value: T) => number): Promise<T> {
    entries.delete(token);
    const value = open();
    const entry: Entry<T> = { value, exp: Number.POSITIVE_INFINITY, done: false };
    entries.set(token, entry);
    if (entries.size > max) entries.delete(entries.keys().next().value as string);
    try {
      const result = await value;
      entry.exp = expiresAt(result);
      entry.result = result;
      entry.done = true;
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
      entries.delete(token);
      entries.set(token, hit);
      return hit.done ? hit.result as T : hit.value;
    },
  };
}
