import { CompactSign, SignJWT, exportSPKI } from 'jose';
import { openToken } from '../../../src/tokens/index.js';
import { b64, b64json, claims, craftJwe, craftToken, expectCode, harness, makeIssuer } from './fixtures.js';
import type { TestIssuer } from './fixtures.js';

let es: TestIssuer;
let ps: TestIssuer;
beforeAll(async () => {
  es = await makeIssuer('ES256');
  ps = await makeIssuer('PS256');
});

/** Every rejection here must happen before the key lookup (RFC 8725 §3.1, §3.11). */
async function expectHeaderReject(token: string, algorithms?: string[]): Promise<void> {
  const { opts, calls } = harness([es, ps], algorithms ? { algorithms } : {});
  await expectCode(openToken(token, opts), 'ERR_TOKEN_HEADER');
  expect(calls).toEqual({ verificationKey: 0, master: 0 });
}

describe('outer header checks', () => {
  it('rejects alg none (hand-crafted, with and without a signature)', async () => {
    const header = b64json({ alg: 'none', kid: es.kid, typ: 'portcullis-at+jwt', cty: 'JWT' });
    await expectHeaderReject(`${header}.${b64(craftJwe())}.${b64('x')}`);
    const { opts } = harness([es]);
    await expectCode(openToken(`${header}.${b64(craftJwe())}.`, opts), 'ERR_TOKEN_MALFORMED');
  });

  it('rejects HS256 keyed with the public key bytes (key confusion)', async () => {
    const pem = await exportSPKI(es.publicKey as CryptoKey);
    for (const secret of [pem, JSON.stringify(es.publicJwk)]) {
      const token = await new CompactSign(new TextEncoder().encode(craftJwe()))
        .setProtectedHeader({ alg: 'HS256', kid: es.kid, typ: 'portcullis-at+jwt', cty: 'JWT' })
        .sign(new TextEncoder().encode(secret));
      await expectHeaderReject(token);
    }
  });

  it('rejects an algorithm outside the allowlist', async () => {
    await expectHeaderReject(craftToken(ps), ['ES256', 'EdDSA']);
  });

  it.each<[string, Record<string, unknown>]>([
    ['unknown crit', { crit: ['exp'], exp: 1 }],
    ['crit b64', { crit: ['b64'], b64: false }],
    ['b64 alone', { b64: true }],
    ['jwk', { jwk: { kty: 'EC' } }],
    ['jku', { jku: 'https://attacker.example/jwks' }],
    ['x5u', { x5u: 'https://attacker.example/cert' }],
    ['x5c', { x5c: ['MIIB'] }],
    ['x5t', { x5t: 'abc' }],
    ['x5t#S256', { 'x5t#S256': 'abc' }],
    ['zip', { zip: 'DEF' }],
    ['an unknown member', { foo: 'bar' }],
    ['a missing kid', { kid: undefined }],
    ['a numeric kid', { kid: 7 }],
    ['an empty kid', { kid: '' }],
    ['typ JWT', { typ: 'JWT' }],
    ['typ at+jwt', { typ: 'at+jwt' }],
    ['a missing typ', { typ: undefined }],
    ['a missing cty', { cty: undefined }],
  ])('rejects %s before any key lookup', async (_name, outer) => {
    await expectHeaderReject(craftToken(es, outer));
  });

  it.each(['JWT', 'at+jwt', undefined])('rejects an ordinary JWT (typ %s) signed by the same key', async (typ) => {
    const jwt = await new SignJWT({ ...claims() })
      .setProtectedHeader({ alg: 'ES256', kid: es.kid, ...(typ ? { typ } : {}) })
      .sign(es.privateKey);
    await expectHeaderReject(jwt);
  });
});
