import { CompactSign, calculateJwkThumbprint, compactVerify } from 'jose';
import { generateSigningKey, importSigningKey } from '../../../src/keys/index.js';
import type { SigningAlgorithm } from '../../../src/keys/index.js';

describe.each<SigningAlgorithm>(['ES256', 'EdDSA', 'PS256'])('generateSigningKey(%s)', (alg) => {
  it('names the key by its RFC 7638 thumbprint and marks both JWKs', async () => {
    const key = await generateSigningKey(alg);
    expect(key.alg).toBe(alg);
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'));
    for (const jwk of [key.publicJwk, key.privateJwk]) expect(jwk).toMatchObject({ kid: key.kid, alg, use: 'sig' });
    expect(key.publicJwk.d).toBeUndefined();
    expect(typeof key.privateJwk.d).toBe('string');
  });

  it('imports keys that sign and verify', async () => {
    const key = await generateSigningKey(alg);
    const privateKey = await importSigningKey(key.privateJwk, alg);
    const publicKey = await importSigningKey(key.publicJwk, alg);
    const jws = await new CompactSign(new TextEncoder().encode('hi')).setProtectedHeader({ alg }).sign(privateKey);
    const { payload } = await compactVerify(jws, publicKey, { algorithms: [alg] });
    expect(new TextDecoder().decode(payload)).toBe('hi');
  });
});

describe('importSigningKey', () => {
  it('rejects a symmetric JWK, an alg mismatch and an unsupported alg', async () => {
    const key = await generateSigningKey('ES256');
    await expect(importSigningKey({ kty: 'oct', k: 'AAAA' }, 'ES256')).rejects.toBeInstanceOf(TypeError);
    await expect(importSigningKey(key.publicJwk, 'PS256')).rejects.toBeInstanceOf(TypeError);
    await expect(importSigningKey(key.publicJwk, 'HS256')).rejects.toBeInstanceOf(TypeError);
  });

  it('refuses to generate an unsupported algorithm', async () => {
    await expect(generateSigningKey('HS256' as SigningAlgorithm)).rejects.toBeInstanceOf(TypeError);
  });
});
