/**
 * A bounded, in-memory set of DPoP proof `jti` values seen recently (RFC 9449 §11.1).
 * Entries expire when the proof could no longer pass the `iat` window; when full,
 * the oldest entries are evicted first (a proof older than the window fails on `iat`
 * anyway, so eviction only weakens replay protection when the cache is too small
 * for the request rate; size it to rate x window).
 */
export interface ReplayCache {
  /** Records `key` until `expiresAt` (epoch seconds); false when it was already there. */
  firstUse(key: string, expiresAt: number): boolean | Promise<boolean>;
}

export interface ReplayCacheOptions {
  /** most entries kept (default 100000) */
  max?: number;
  /** epoch seconds; defaults to the system clock */
  now?: () => number;
  /** called with the key of every replay detected (the issuer turns them into a risk signal) */
  onReplay?: (key: string) => void;
}

/** Wraps any replay cache so each detected replay is reported to `onReplay`. */
export function withReplayHook(cache: ReplayCache, onReplay: (key: string) => void): ReplayCache {
  return {
    async firstUse(key, expiresAt) {
      const first = await cache.firstUse(key, expiresAt);
      if (!first) onReplay(key);
      return first;
    },
  };
}

/** Creates an in-memory replay cache. */
export function createReplayCache(options: ReplayCacheOptions = {}): ReplayCache & { firstUse(key: string, expiresAt: number): boolean } {
  const max = options.max ?? 100_000;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const seen = new Map<string, number>();
  function sweep(t: number): void {
    for (const [key, expiresAt] of seen) {
      if (expiresAt > t && seen.size < max) break;
      seen.delete(key);
    }
  }
  return {
    firstUse(key, expiresAt) {
      const t = now();
      const previous = seen.get(key);
      if (previous !== undefined && previous > t) {
        options.onReplay?.(key);
        return false;
      }
      seen.delete(key);
      sweep(t);
      seen.set(key, expiresAt);
      return true;
    },
  };
}
