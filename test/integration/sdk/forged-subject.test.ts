/**
 * Defence in depth inside the token. A token made with the issuer's signing key and the
 * audience's master (a stolen pair) can put any `sub` under any subject handle `sh`;
 * the issuer refuses one whose `sub` is not the subject of its `sh`, so it cannot escape
 * `subject revoke` of its real subject. And the resource-server SDK refuses a token whose
 * master version it cannot reach with its AccessTokenError, not a TypeError.
 */
import { AccessTokenError, createVerifier } from '@portcullis/sdk';
import { startTestIssuer, type TestIssuer } from '../../support/issuer.js';
import { basic, post } from '../../support/clients.js';
import { craftInner, outerHeader, signWithIssuerKey } from '../../support/craft.js';
import { openingSecretOf } from '../../support/binding.js';

const API = 'https://api.forged.test';
let t: TestIssuer;
let rsSecret: string;

beforeAll(async () => {
  t = await startTestIssuer();
  await t.addResource({ audience: API, scopes: ['read'], introspector: 'rs' });
  rsSecret = await t.addClient({ id: 'rs', scopes: [], audiences: [] });
  await t.addClient({ id: 'svc', scopes: ['read'], audiences: [API] });
});
afterAll(async () => { await t?.close(); });

async function craft(sub: string, keyContext: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  return signWithIssuerKey(t, outerHeader(t), await craftInner(t, { aud: API, sub, clientId: 'svc', keyContext, header }));
}

async function active(token: string): Promise<boolean> {
  const res = await post(`${t.url}/introspect`, new URLSearchParams({ token }), basic('rs', rsSecret));
  expect(res.status).toBe(200);
  return res.json!.active as boolean;
}

describe('the subject handle', () => {
  it('a crafted token with the right handle is active (control)', async () => {
    expect(await active(await craft('victim'))).toBe(true);
  });

  it('a token whose sub is not the subject of its handle is refused, before and after subject revoke', async () => {
    const forged = await craft('victim', { sh: t.issuer.tokens.handleOf('decoy') });
    expect(await active(forged)).toBe(false);
    expect(await t.issuer.tokens.open(forged)).toBeUndefined();
    await t.issuer.tokens.revokeSubject('victim');
    expect(await active(forged)).toBe(false);
  });
});

describe('the SDK', () => {
  it('a master version near 2^53 is an AccessTokenError (invalid_token), not a TypeError', async () => {
    const verifier = createVerifier({ issuer: t.url, audience: API, openingSecret: await openingSecretOf(t, API), jwksUri: `${t.url}/jwks` });
    expect((await verifier.verify(await craft('victim'))).subject).toBe('victim'); // control
    for (const msv of [Number.MAX_SAFE_INTEGER, 2 ** 52, 1_000_000]) {
      const err = await verifier.verify(await craft('victim', {}, { msv })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AccessTokenError);
      expect(err).toMatchObject({ code: 'invalid_token', status: 401 });
    }
  });
});
