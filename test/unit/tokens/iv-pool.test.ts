import { IV_BYTES, nextIv } from '../../../src/tokens/lib/iv-pool.js';
import { openToken } from '../../../src/tokens/index.js';
import { harness, makeIssuer, seal } from './fixtures.js';

/** The IV of the JWE inside a sealed token (its third compact segment). */
function innerIv(token: string): string {
  const jwe = Buffer.from(token.split('.')[1], 'base64url').toString('utf8');
  return jwe.split('.')[2];
}

describe('AES-GCM IVs from the pool', () => {
  it('hands out 12-byte IVs, each one new, across several pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i += 1) {
      const iv = nextIv();
      expect(iv).toBeInstanceOf(Uint8Array);
      expect(iv.byteLength).toBe(IV_BYTES);
      seen.add(Buffer.from(iv).toString('hex'));
    }
    expect(seen.size).toBe(2000);
    expect(seen.has('00'.repeat(IV_BYTES))).toBe(false);
  });

  it('gives copies: changing one IV changes neither the pool nor the next IV', () => {
    const a = nextIv();
    a.fill(0xff);
    const b = nextIv();
    expect(Buffer.from(b).equals(Buffer.alloc(IV_BYTES, 0xff))).toBe(false);
    expect(b.buffer).not.toBe(a.buffer);
  });

  it('seals every token under its own IV, and the tokens open', async () => {
    const issuer = await makeIssuer('ES256');
    const { opts } = harness([issuer]);
    const tokens = await Promise.all(Array.from({ length: 300 }, () => seal(issuer)));
    const ivs = new Set(tokens.map(innerIv));
    expect(ivs.size).toBe(tokens.length);
    for (const iv of ivs) expect(Buffer.from(iv, 'base64url')).toHaveLength(IV_BYTES);
    for (const token of tokens.slice(0, 20)) await expect(openToken(token, opts)).resolves.toMatchObject({ claims: { sub: expect.any(String) } });
  });
});
