/**
 * RFC 7662 introspection and RFC 7009 revocation over real HTTP: who may see a token,
 * what makes it inactive (tampering, expiry, revocation, subject revocation), the
 * RFC 9701 JWT response, and the introspection metrics.
 */
import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createDerivedKeyCache } from '../../../src/keys/index.js';
import { sealToken, type AccessTokenClaims } from '../../../src/tokens/index.js';
import { startTestIssuer, leaksInternals, serverErrors, type TestIssuer } from '../../support/issuer.js';
import { basic, discover, get, post } from '../../support/clients.js';

const API = 'https://api.introspect.test';
const OTHER = 'https://other.introspect.test';
let t: TestIssuer;
const secrets: Record<string, string> = {};
const configs: Record<string, client.Configuration> = {};

beforeAll(async () => {
  t = await startTestIssuer();
  await t.addResource({ audience: API, scopes: ['read', 'write'], introspector: 'rs-api' });
  await t.addResource({ audience: OTHER, scopes: ['read'], introspector: 'rs-other' });
  secrets.svc = await t.addClient({ id: 'svc', scopes: ['read', 'write'], audiences: [API, OTHER] });
  secrets.victim = await t.addClient({ id: 'victim', scopes: ['read'], audiences: [API] });
  secrets['rs-api'] = await t.addClient({ id: 'rs-api', scopes: [], audiences: [] });
  secrets['rs-other'] = await t.addClient({ id: 'rs-other', scopes: [], audiences: [] });
  secrets.stranger = await t.addClient({ id: 'stranger', scopes: ['read'], audiences: [OTHER] });
  for (const id of Object.keys(secrets)) configs[id] = await discover(t.url, id, secrets[id]);
  configs['svc-post'] = await discover(t.url, 'svc', secrets.svc, 'client_secret_post');
});

afterAll(async () => { await t?.close(); });

async function issue(id = 'svc', resource = API, scope = 'read'): Promise<string> {
  return (await client.clientCredentialsGrant(configs[id], { resource, scope })).access_token;
}
const introspect = (token: string, as = 'svc') => client.tokenIntrospection(configs[as], token);
const inactive = async (token: string, as = 'svc') => expect(await introspect(token, as)).toEqual({ active: false });

describe('active tokens', () => {
  it.each(['svc', 'svc-post'])('are described in full to their own client (%s)', async (as) => {
    const before = Math.floor(Date.now() / 1000);
    const token = await issue('svc', API, 'read write');
    const res = await introspect(token, as);
    expect(res).toMatchObject({
      active: true, sub: 'svc', client_id: 'svc', scope: 'read write', aud: API, iss: t.url,
      jti: expect.any(String), token_type: 'Bearer',
    });
    expect(res.iat).toBeGreaterThanOrEqual(before - 1);
    expect(res.exp! - res.iat!).toBe(300);
  });

  it("are visible to the audience's registered introspector", async () => {
    const token = await issue();
    expect(await introspect(token, 'rs-api')).toMatchObject({ active: true, aud: API, client_id: 'svc' });
  });

  it("are {active:false} to a client that is neither the token's client nor its audience's introspector", async () => {
    const token = await issue('svc', API);
    await inactive(token, 'rs-other');
    await inactive(token, 'stranger');
    expect((await introspect(token, 'svc')).active).toBe(true);
  });
});

describe('concurrent introspection', () => {
  // regression: the revocation query was a named prepared statement; the embedded PGlite
  // serves all pool connections from one session, so the second connection got 42P05 (500)
  it('answers 24 parallel introspections, all active, none a server error', async () => {
    const tokens = await Promise.all(Array.from({ length: 6 }, () => issue()));
    const answers = await Promise.all([...tokens, ...tokens, ...tokens, ...tokens].map((token) =>
      post(`${t.url}/introspect`, new URLSearchParams({ token }), basic('svc', secrets.svc))));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(answers.every((a) => a.json?.active === true)).toBe(true);
  });
});

describe('inactive tokens answer exactly {active:false}', () => {
  it('a tampered signature', async () => {
    const token = await issue();
    const [h, p, s] = token.split('.');
    const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
    await inactive(`${h}.${p}.${flipped}`);
    await inactive(`${h}.${p}.${s.split('').reverse().join('')}`);
  });

  it("another token's inner JWE under this token's signature", async () => {
    const [a, b] = [await issue(), await issue('svc', API, 'write')];
    const [ah, , as] = a.split('.');
    const [, bp] = b.split('.');
    await inactive(`${ah}.${bp}.${as}`);
  });

  it("an inner JWE whose header is swapped for another token's, re-signed with the real key", async () => {
    const key = t.issuer.keys.signingKey();
    const resign = async (jwe: string) => {
      const { CompactSign } = await import('jose');
      return new CompactSign(new TextEncoder().encode(jwe)).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'portcullis-at+jwt', cty: 'JWT' }).sign(key.key);
    };
    const innerOf = (token: string) => Buffer.from(token.split('.')[1], 'base64url').toString('utf8').split('.');
    const mine = innerOf(await issue('svc', API));
    const victims = innerOf(await issue('victim', API));
    // control: re-signing an untouched inner JWE yields an active token
    expect((await introspect(await resign(mine.join('.')))).active).toBe(true);
    await inactive(await resign([victims[0], ...mine.slice(1)].join('.')));
    await inactive(await resign([mine[0], '', mine[2], victims[3], mine[4]].join('.')));
  });

  it('an expired token (exp past the clock tolerance)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const master = await t.issuer.keys.currentMaster(API);
    const seal = (iat: number, exp: number) => sealToken({
      iss: t.url, sub: 'svc', aud: API, iat, exp, jti: randomUUID(), client_id: 'svc', scope: 'read',
    } as AccessTokenClaims, {
      signingKey: t.issuer.keys.signingKey(), master: master!, handle: t.issuer.tokens.handleOf('svc'), generation: 0, keyCache: createDerivedKeyCache(),
    });
    // control: the same sealing with a live lifetime is active
    expect(await introspect(await seal(now - 10, now + 300))).toMatchObject({ active: true, sub: 'svc' });
    await inactive(await seal(now - 3600, now - 1800));
    await inactive(await seal(now - 400, now - 60));
  });

  it.each(['svc', 'svc-post'])('a token revoked by its client through /revoke (%s)', async (as) => {
    const token = await issue();
    const sibling = await issue();
    expect((await introspect(token)).active).toBe(true);
    await client.tokenRevocation(configs[as], token);
    await inactive(token);
    await inactive(token, 'rs-api');
    expect((await introspect(sibling)).active).toBe(true);
  });

  it('every earlier token of a subject after `subject revoke`', async () => {
    const before = [await issue('victim'), await issue('victim')];
    for (const token of before) expect((await introspect(token, 'victim')).active).toBe(true);
    await t.issuer.tokens.revokeSubject('victim');
    for (const token of before) await inactive(token, 'victim');
    const after = await issue('victim');
    expect((await introspect(after, 'victim')).active).toBe(true);
    expect((await introspect(await issue('svc'))).active).toBe(true);
  });
});

describe('revocation by someone else', () => {
  it("does not revoke when the caller is neither the token's client nor its audience's introspector", async () => {
    const token = await issue('svc', API);
    await client.tokenRevocation(configs.stranger, token);
    await client.tokenRevocation(configs['rs-other'], token);
    expect((await introspect(token)).active).toBe(true);
  });

  it('is refused for an unauthenticated caller', async () => {
    const token = await issue();
    const res = await post(`${t.url}/revoke`, new URLSearchParams({ token, client_id: 'svc' }));
    expect(res.status).toBe(401);
    expect(res.json?.error).toBe('invalid_client');
    expect((await introspect(token)).active).toBe(true);
  });
});

describe('RFC 9701 JWT introspection response', () => {
  it('signs the answer with a key from the JWKS when asked by Accept', async () => {
    const token = await issue();
    const res = await post(`${t.url}/introspect`, new URLSearchParams({ token }), { ...basic('svc', secrets.svc), accept: 'application/token-introspection+jwt' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/token-introspection+jwt');
    const { payload, protectedHeader } = await jwtVerify(res.text, createRemoteJWKSet(new URL(`${t.url}/jwks`)), {
      issuer: t.url, audience: 'svc', typ: 'token-introspection+jwt',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.token_introspection).toMatchObject({ active: true, sub: 'svc', client_id: 'svc', aud: API });
  });

  it('is accepted by openid-client with non-repudiation checks', async () => {
    const config = await discover(t.url, 'svc', secrets.svc, 'client_secret_basic', { introspection_signed_response_alg: 'ES256' });
    client.enableNonRepudiationChecks(config);
    const res = await client.tokenIntrospection(config, await issue());
    expect(res).toMatchObject({ active: true, client_id: 'svc', aud: API });
  });

  it('signs an inactive answer too, carrying only active:false', async () => {
    const res = await post(`${t.url}/introspect`, new URLSearchParams({ token: 'a.b.c' }), { ...basic('svc', secrets.svc), accept: 'application/token-introspection+jwt' });
    const { payload } = await jwtVerify(res.text, createRemoteJWKSet(new URL(`${t.url}/jwks`)), { issuer: t.url, typ: 'token-introspection+jwt' });
    expect(payload.token_introspection).toEqual({ active: false });
  });
});

describe('metrics', () => {
  const count = async (result: string) => {
    const text = (await get(`${t.url}/metrics`)).text;
    // summed over the path label (fast path or oidc-provider)
    const lines = text.split('\n').filter((l) => l.startsWith('portcullis_introspections_total{') && l.includes(`result="${result}"`));
    return lines.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  };

  it('counts active and inactive introspections', async () => {
    const [active, inactiveCount] = [await count('active'), await count('inactive')];
    const token = await issue();
    await introspect(token);
    await introspect(token);
    await introspect(token.slice(0, -4) + 'AAAA');
    expect(await count('active')).toBe(active + 2);
    expect(await count('inactive')).toBe(inactiveCount + 1);
  });

  it('logged no server error and leaked nothing', async () => {
    const res = await post(`${t.url}/introspect`, new URLSearchParams({ token: 'x.y.z' }), basic('svc', secrets.svc));
    expect(leaksInternals(res.text)).toBe(false);
    expect(serverErrors(t.logs)).toEqual([]);
  });
});
