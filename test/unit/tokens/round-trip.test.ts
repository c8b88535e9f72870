import { decodeProtectedHeader } from 'jose';
import { createDerivedKeyCache } from '../../../src/keys/index.js';
import type { SigningAlgorithm } from '../../../src/keys/index.js';
import { OUTER_TYP, openToken, sealToken } from '../../../src/tokens/index.js';
import type { AccessTokenClaims } from '../../../src/tokens/index.js';
import {
  AUD, HANDLE, ISSUER, MASTER, MSV, NOW, SUB, claims, craftToken, harness, makeIssuer, seal,
} from './fixtures.js';
import type { TestIssuer } from './fixtures.js';

const algs: SigningAlgorithm[] = ['ES256', 'EdDSA', 'PS256'];
const issuers: Record<string, TestIssuer> = {};

beforeAll(async () => {
  for (const alg of algs) issuers[alg] = await makeIssuer(alg);
});

describe.each(algs)('seal then open with %s', (alg) => {
  it('returns the claims and the derivation context', async () => {
    const token = await seal(issuers[alg], { extra: 'kept' }, 4);
    const { opts } = harness([issuers[alg]]);
    const opened = await openToken(token, opts);
    expect(opened.claims).toEqual({ ...claims(), extra: 'kept' });
    expect(opened.context).toEqual({ kid: issuers[alg].kid, aud: AUD, msv: MSV, day: '2025-10-09', sh: HANDLE, gen: 4 });
  });

  it('produces exactly the documented headers', async () => {
    const token = await seal(issuers[alg]);
    expect(decodeProtectedHeader(token)).toEqual({ alg, kid: issuers[alg].kid, typ: OUTER_TYP, cty: 'JWT' });
    const jwe = Buffer.from(token.split('.')[1], 'base64url').toString('utf8');
    expect(jwe.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(jwe)).toEqual({
      alg: 'dir', enc: 'A256GCM', typ: 'at+jwt', iss: ISSUER, aud: AUD, msv: MSV, day: '2025-10-09', sh: HANDLE, gen: 0,
    });
  });
});

describe('seal', () => {
  it('never puts the raw subject in a header or in the clear', async () => {
    const token = await seal(issuers.ES256);
    const jwe = Buffer.from(token.split('.')[1], 'base64url').toString('utf8');
    const headers = [token.split('.')[0], jwe.split('.')[0]].map((s) => Buffer.from(s, 'base64url').toString());
    for (const text of [...headers, jwe, token]) expect(text).not.toContain(SUB);
  });

  it('derives the subject-day key once through the cache', async () => {
    const keyCache = createDerivedKeyCache();
    const signingKey = { kid: issuers.ES256.kid, alg: 'ES256', key: issuers.ES256.privateKey };
    const opts = { signingKey, master: { version: MSV, secret: MASTER }, handle: HANDLE, generation: 0, keyCache };
    await sealToken(claims({ jti: 'a' }), opts);
    await sealToken(claims({ jti: 'b', iat: NOW + 60, exp: NOW + 360 }), opts);
    expect(keyCache.size).toBe(1);
  });

  it.each<[string, Partial<AccessTokenClaims>]>([
    ['aud as an array', { aud: [AUD, 'other'] as unknown as string }],
    ['missing jti', { jti: undefined }],
    ['missing sub', { sub: undefined }],
    ['missing iss', { iss: undefined }],
    ['missing iat', { iat: undefined }],
    ['missing exp', { exp: undefined }],
  ])('throws TypeError for %s', async (_name, overrides) => {
    await expect(seal(issuers.ES256, overrides)).rejects.toBeInstanceOf(TypeError);
  });

  it('throws TypeError for a symmetric signing algorithm', async () => {
    const signingKey = { kid: 'k', alg: 'HS256', key: issuers.ES256.privateKey };
    const opts = { signingKey, master: { version: MSV, secret: MASTER }, handle: HANDLE, generation: 0, keyCache: createDerivedKeyCache() };
    await expect(sealToken(claims(), opts)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('open', () => {
  it('accepts a token whose aud equals opts.audience', async () => {
    const { opts } = harness([issuers.ES256], { audience: AUD });
    await expect(openToken(await seal(issuers.ES256), opts)).resolves.toBeDefined();
  });

  it('accepts the hand-crafted default token (so crafted negatives are meaningful)', async () => {
    const { opts } = harness([issuers.ES256]);
    await expect(openToken(craftToken(issuers.ES256), opts)).resolves.toMatchObject({ claims: claims() });
  });

  it('throws TypeError for an allowlist that admits HS256 or none', async () => {
    const token = await seal(issuers.ES256);
    for (const algorithms of [['ES256', 'HS256'], ['none'], []]) {
      const { opts } = harness([issuers.ES256], { algorithms });
      await expect(openToken(token, opts)).rejects.toBeInstanceOf(TypeError);
    }
  });
});
