import { timingSafeEqual } from 'node:crypto';
import { assertContentKeyContext, deriveContentKey, type ContentKeyContext } from './derive.js';

/** Options for {@link createDerivedKeyCache}. */
export interface DerivedKeyCacheOptions {
  /** most entries kept; the least recently used is evicted first (default 10000) */
  max?: number;
}

/** A bounded LRU of derived content keys; see {@link createDerivedKeyCache}. */
export interface DerivedKeyCache {
  /** Returns the content key for `ctx`, deriving it on a miss. */
  get(master: Uint8Array, ctx: ContentKeyContext): Uint8Array;
  /**
   * The same key imported once as a non-extractable AES-GCM CryptoKey, so sealing and
   * opening skip WebCrypto's per-call raw import.
   */
  cryptoKey(master: Uint8Array, ctx: ContentKeyContext): Promise<CryptoKey>;
  /** Number of cached keys. */
  readonly size: number;
  /** Drops every cached key (e.g. after a master rotation). */
  clear(): void;
}

interface Entry {
  master: Uint8Array;
  key: Uint8Array;
  imported?: Promise<CryptoKey>;
}

function importAesGcm(key: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a === b || (a.byteLength === b.byteLength && timingSafeEqual(a, b));
}

/**
 * Creates a bounded LRU cache (insertion-ordered `Map`) from
 * `aud|msv|day|sh|gen` to the derived 32-byte content key, so each
 * subject-day key is derived once. The cache key is unambiguous because only
 * `aud` may contain `|`. Each entry remembers its master: a lookup with a
 * different master re-derives rather than return a key for the wrong secret.
 *
 * Returned keys are shared; callers must not modify them.
 *
 * @throws TypeError when `max` is not a positive integer.
 */
export function createDerivedKeyCache({ max = 10_000 }: DerivedKeyCacheOptions = {}): DerivedKeyCache {
  if (!Number.isSafeInteger(max) || max < 1) throw new TypeError('max must be a positive integer');
  const entries = new Map<string, Entry>();
  const remember = (id: string, entry: Entry): void => {
    entries.delete(id);
    entries.set(id, entry);
    if (entries.size > max) entries.delete(entries.keys().next().value as string);
  };
  const entryFor = (master: Uint8Array, ctx: ContentKeyContext): Entry => {
    assertContentKeyContext(ctx);
    const id = `${ctx.aud}|${ctx.msv}|${ctx.day}|${ctx.sh}|${ctx.gen}`;
    const hit = entries.get(id);
    if (hit !== undefined && sameBytes(hit.master, master)) {
      remember(id, hit);
      return hit;
    }
    const entry: Entry = { master: new Uint8Array(master), key: deriveContentKey(master, ctx) };
    remember(id, entry);
    return entry;
  };
  return {
    get: (master, ctx) => entryFor(master, ctx).key,
    cryptoKey(master, ctx) {
      const entry = entryFor(master, ctx);
      entry.imported ??= importAesGcm(entry.key);
      return entry.imported;
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}
