import { openToken } from '../../../src/tokens/index.js';
import { AUD, craftToken, expectCode, harness, makeIssuer, seal } from './fixtures.js';
import type { TestIssuer } from './fixtures.js';

let es: TestIssuer;
beforeAll(async () => {
  es = await makeIssuer('ES256');
});

describe('inner header checks (step 4, after the signature, before any master lookup)', () => {
  it.each<[string, Record<string, unknown>]>([
    ['typ JWT', { typ: 'JWT' }],
    ['a missing typ', { typ: undefined }],
    ['alg A256KW', { alg: 'A256KW' }],
    ['alg RSA-OAEP', { alg: 'RSA-OAEP' }],
    ['enc A128GCM', { enc: 'A128GCM' }],
    ['enc A256CBC-HS512', { enc: 'A256CBC-HS512' }],
    ['zip', { zip: 'DEF' }],
    ['crit', { crit: ['exp'], exp: 1 }],
    ['epk', { epk: { kty: 'EC' } }],
    ['jwk', { jwk: { kty: 'oct' } }],
    ['jku', { jku: 'https://attacker.example' }],
    ['x5u', { x5u: 'https://attacker.example' }],
    ['x5c', { x5c: ['MIIB'] }],
    ['an unknown member', { kid: 'x' }],
    ['a raw sub', { sub: 'alice' }],
    ['aud as an array', { aud: [AUD] }],
    ['a negative msv', { msv: -1 }],
    ['a fractional gen', { gen: 1.5 }],
    ['gen as a string', { gen: '0' }],
    ['a malformed day', { day: '2025-1-09' }],
    ['a short handle', { sh: 'abc' }],
    ['a handle with bad characters', { sh: 'a'.repeat(21) + '=' }],
  ])('rejects %s', async (_name, inner) => {
    const { opts, calls } = harness([es]);
    await expectCode(openToken(craftToken(es, {}, { inner }), opts), 'ERR_TOKEN_HEADER');
    expect(calls).toEqual({ verificationKey: 1, master: 0 });
  });

  it('rejects another issuer', async () => {
    const { opts, calls } = harness([es]);
    await expectCode(openToken(craftToken(es, {}, { inner: { iss: 'https://evil.example' } }), opts), 'ERR_TOKEN_ISSUER');
    expect(calls.master).toBe(0);
  });

  it('rejects a token for another audience when opts.audience is set', async () => {
    const { opts, calls } = harness([es], { audience: 'https://other-api.example' });
    await expectCode(openToken(await seal(es), opts), 'ERR_TOKEN_AUDIENCE');
    expect(calls.master).toBe(0);
  });

  it('rejects a foreign audience (no master secret)', async () => {
    const { opts, calls } = harness([es], { master: () => undefined });
    await expectCode(openToken(await seal(es, { aud: 'https://foreign.example' }), opts), 'ERR_TOKEN_AUDIENCE');
    expect(calls.verificationKey).toBe(1);
  });

  it('rejects an unknown master version', async () => {
    const { opts } = harness([es]);
    await expectCode(openToken(craftToken(es, {}, { inner: { msv: 99 } }), opts), 'ERR_TOKEN_AUDIENCE');
  });
});
