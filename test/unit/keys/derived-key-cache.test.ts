import { createDerivedKeyCache, deriveContentKey, ratchetMaster } from '../../../src/keys/index.js';
import type { ContentKeyContext } from '../../../src/keys/index.js';

const MASTER = new Uint8Array(32).fill(7);
const ctx = (gen: number): ContentKeyContext => ({ aud: 'https://api.example', msv: 1, day: '2025-10-09', sh: 'A'.repeat(22), gen });

describe('createDerivedKeyCache', () => {
  it('returns the derived key, and the same instance on a hit', () => {
    const cache = createDerivedKeyCache();
    const first = cache.get(MASTER, ctx(0));
    expect(first).toEqual(deriveContentKey(MASTER, ctx(0)));
    expect(cache.get(new Uint8Array(MASTER), ctx(0))).toBe(first);
    expect(cache.size).toBe(1);
  });

  it('is bounded and evicts the least recently used entry', () => {
    const cache = createDerivedKeyCache({ max: 2 });
    const k0 = cache.get(MASTER, ctx(0));
    const k1 = cache.get(MASTER, ctx(1));
    expect(cache.get(MASTER, ctx(0))).toBe(k0); // touch 0: now 1 is oldest
    cache.get(MASTER, ctx(2));
    expect(cache.size).toBe(2);
    expect(cache.get(MASTER, ctx(0))).toBe(k0);
    const again = cache.get(MASTER, ctx(1));
    expect(again).not.toBe(k1); // was evicted, so derived afresh
    expect(again).toEqual(k1);
  });

  it('stays bounded under many subjects', () => {
    const cache = createDerivedKeyCache({ max: 50 });
    for (let gen = 0; gen < 500; gen += 1) cache.get(MASTER, ctx(gen));
    expect(cache.size).toBe(50);
  });

  it('never serves a key derived from a different master for the same context', () => {
    const cache = createDerivedKeyCache();
    const other = ratchetMaster(MASTER);
    cache.get(MASTER, ctx(0));
    expect(cache.get(other, ctx(0))).toEqual(deriveContentKey(other, ctx(0)));
  });

  it('does not confuse an audience containing "|" with other fields', () => {
    const cache = createDerivedKeyCache();
    const a = cache.get(MASTER, { ...ctx(0), aud: 'x|1' });
    const b = cache.get(MASTER, { ...ctx(0), aud: 'x' });
    expect(a).not.toEqual(b);
  });

  it('can be cleared, and rejects a bad max', () => {
    const cache = createDerivedKeyCache();
    cache.get(MASTER, ctx(0));
    cache.clear();
    expect(cache.size).toBe(0);
    expect(() => createDerivedKeyCache({ max: 0 })).toThrow(TypeError);
  });

  it('imports each content key once as a non-extractable AES-GCM CryptoKey of the derived bytes', async () => {
    const cache = createDerivedKeyCache();
    const key = await cache.cryptoKey(MASTER, ctx(0));
    expect(await cache.cryptoKey(new Uint8Array(MASTER), ctx(0))).toBe(key);
    expect(key.extractable).toBe(false);
    expect(key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    // the imported key decrypts what the raw derived bytes encrypted
    const raw = await crypto.subtle.importKey('raw', deriveContentKey(MASTER, ctx(0)) as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt']);
    const iv = new Uint8Array(12);
    const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, raw, new TextEncoder().encode('x'));
    expect(new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed))).toBe('x');
  });

  it('never serves an imported key from a different master for the same context', async () => {
    const cache = createDerivedKeyCache();
    const first = await cache.cryptoKey(MASTER, ctx(0));
    expect(await cache.cryptoKey(ratchetMaster(MASTER), ctx(0))).not.toBe(first);
  });
});
