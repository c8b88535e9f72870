/**
 * Hostile input at /introspect, /revoke and /token over real HTTP: forged and
 * malformed tokens answer exactly {active:false} (or 400 invalid_request when the
 * request itself is malformed), never a 5xx, never a stack trace.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign as nodeSign } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import * as client from 'openid-client';
import { startTestIssuer, leaksInternals, serverErrors, type TestIssuer } from '../../support/issuer.js';
import { basic, discover, post, type RawResponse } from '../../support/clients.js';
import { b64, b64json, craftInner, outerHeader, signHs256, signWithIssuerKey, unsigned } from '../../support/craft.js';

const API = 'https://api.hostile.test';
let t: TestIssuer;
let secret: string;
let config: client.Configuration;
const seen: RawResponse[] = [];

beforeAll(async () => {
  t = await startTestIssuer();
  await t.addResource({ audience: API, scopes: ['read'] });
  secret = await t.addClient({ id: 'svc', scopes: ['read'], audiences: [API] });
  config = await discover(t.url, 'svc', secret);
});

afterAll(async () => { await t?.close(); });

async function send(path: string, body: string | URLSearchParams, headers: Record<string, string> = basic('svc', secret)): Promise<RawResponse> {
  const res = await post(`${t.url}${path}`, body, headers);
  seen.push(res);
  return res;
}
const introspect = (token: string, headers?: Record<string, string>) => send('/introspect', new URLSearchParams({ token }), headers);
async function expectInactive(token: string): Promise<void> {
  const res = await introspect(token);
  expect(res.status).toBe(200);
  expect(res.json).toEqual({ active: false });
}
const inner = (header?: Record<string, unknown>, claims?: Record<string, unknown>) => craftInner(t, { aud: API, sub: 'svc', clientId: 'svc', header, claims });

describe('crafted tokens (control first)', () => {
  it('a hand-crafted token with the real key and untouched headers is active', async () => {
    const res = await introspect(signWithIssuerKey(t, outerHeader(t), await inner()));
    expect(res.json).toMatchObject({ active: true, sub: 'svc', aud: API });
  });
});

describe('hostile outer headers answer exactly {active:false}', () => {
  it('alg none (with and without a signature part)', async () => {
    const jwe = await inner();
    await expectInactive(unsigned(outerHeader(t, { alg: 'none' }), jwe));
    await expectInactive(`${b64json(outerHeader(t, { alg: 'none' }))}.${b64(jwe)}`);
    await expectInactive(unsigned(outerHeader(t, { alg: 'NONE' }), jwe));
  });

  it('HS256 keyed with the public key (JWK JSON, PEM, DER and the kid)', async () => {
    const jwe = await inner();
    const publicJwk = t.issuer.keys.jwks().keys.find((k) => k.kid === t.issuer.keys.signingKey().kid)!;
    const pub = createPublicKey({ key: publicJwk as never, format: 'jwk' });
    const secrets = [JSON.stringify(publicJwk), pub.export({ type: 'spki', format: 'pem' }) as string, pub.export({ type: 'spki', format: 'der' }), publicJwk.kid!];
    for (const key of secrets) await expectInactive(signHs256(outerHeader(t, { alg: 'HS256' }), jwe, key));
  });

  it.each([
    ['crit', { crit: ['exp'], exp: 1 }],
    ['crit b64', { crit: ['b64'], b64: false }],
    ['jku', { jku: 'http://127.0.0.1:1/jwks' }],
    ['x5u', { x5u: 'http://127.0.0.1:1/cert.pem' }],
    ['x5c', { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] }],
    ['x5t', { x5t: 'AAAA' }],
    ['zip', { zip: 'DEF' }],
    ['typ at+jwt', { typ: 'at+jwt' }],
    ['typ JWT', { typ: 'JWT' }],
    ['no typ', { typ: undefined }],
    ['cty missing', { cty: undefined }],
    ['unknown kid', { kid: 'not-a-key' }],
    ['kid as a number', { kid: 42 }],
    ['alg ES384', { alg: 'ES384' }],
  ])('%s, signed with the real key', async (_name, overrides) => {
    await expectInactive(signWithIssuerKey(t, outerHeader(t, overrides as Record<string, unknown>), await inner()));
  });

  it('an embedded jwk naming an attacker key (signed by the attacker), and with the real kid', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' }) as JWK;
    const attackerKid = await calculateJwkThumbprint(jwk);
    const jwe = await inner();
    for (const kid of [attackerKid, t.issuer.keys.signingKey().kid]) {
      const header = outerHeader(t, { kid, jwk });
      const input = `${b64json(header)}.${b64(jwe)}`;
      const sig = nodeSign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      await expectInactive(`${input}.${b64(sig)}`);
    }
    await expectInactive(signWithIssuerKey(t, outerHeader(t, { jwk }), jwe));
  });

  it('a token signed by a foreign key under the real kid', async () => {
    const foreign = createPrivateKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const input = `${b64json(outerHeader(t))}.${b64(await inner())}`;
    await expectInactive(`${input}.${b64(nodeSign('sha256', Buffer.from(input), { key: foreign, dsaEncoding: 'ieee-p1363' }))}`);
  });
});

describe('hostile inner headers under a valid outer signature answer exactly {active:false}', () => {
  it.each([
    ['zip', { zip: 'DEF' }],
    ['crit', { crit: ['exp'] }],
    ['jku', { jku: 'http://127.0.0.1:1/jwks' }],
    ['jwk', { jwk: { kty: 'oct', k: b64(randomBytes(32)) } }],
    ['sub in header', { sub: 'svc' }],
    ['alg A256KW', { alg: 'A256KW' }],
    ['enc A128GCM', { enc: 'A128GCM' }],
    ['foreign iss', { iss: 'https://evil.test' }],
    ['other gen', { gen: 7 }],
    ['negative msv', { msv: -1 }],
    ['bad day', { day: '2020-13-45' }],
    ['other subject handle', { sh: 'A'.repeat(22) }],
  ])('%s', async (_name, header) => {
    await expectInactive(signWithIssuerKey(t, outerHeader(t), await inner(header)));
  });

  it('a plaintext whose claims contradict the header (foreign iss, audience, expired)', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const claims of [{ iss: 'https://evil.test' }, { aud: 'https://other.test' }, { iat: now - 7200, exp: now - 3600 }]) {
      await expectInactive(signWithIssuerKey(t, outerHeader(t), await inner(undefined, claims)));
    }
  });

  it('a payload that is not a JWE (plain JSON claims, a JWS)', async () => {
    const claims = JSON.stringify({ iss: t.url, sub: 'svc', aud: API, exp: 2e9, iat: 1e9, jti: 'x', client_id: 'svc' });
    await expectInactive(signWithIssuerKey(t, outerHeader(t), claims));
    const { access_token: real } = await client.clientCredentialsGrant(config, { resource: API, scope: 'read' });
    await expectInactive(signWithIssuerKey(t, outerHeader(t), real));
  });
});

describe('malformed token strings', () => {
  it('an empty token is 400 invalid_request', async () => {
    const res = await introspect('');
    expect(res.status).toBe(400);
    expect(res.json?.error).toBe('invalid_request');
  });

  it.each([
    ['space', ' '],
    ['dot', '.'],
    ['two dots', '..'],
    ['four dots', '....'],
    ['2 parts', 'eyJhbGciOiJFUzI1NiJ9.eyJ9'],
    ['4 parts', 'a.b.c.d'],
    ['5 parts (a bare JWE)', 'a.b.c.d.e'],
    ['non-base64url', '!!!.###.$$$'],
    ['padding', 'eyJhbGciOiJFUzI1NiJ9==.e30=.AA=='],
    ['unicode', 'ключ.токен.подпись'],
    // regression: a NUL reached PostgreSQL through oidc-provider's RefreshToken lookup (22021 -> 500)
    ['NUL bytes', 'a\u0000b.c\u0000d.e'],
    ['NUL bytes, no dot', 'ab\u0000cd'],
    ['header not JSON', `${b64('not json')}.${b64('x')}.${b64('y')}`],
    ['header a JSON array', `${b64('[1,2]')}.${b64('x')}.${b64('y')}`],
    ['header JSON with __proto__', `${b64('{"__proto__":{"alg":"ES256"},"kid":"x"}')}.${b64('x')}.${b64('y')}`],
    ['opaque-looking random', randomBytes(32).toString('base64url')],
    ['random garbage with dots', `${randomBytes(200).toString('base64url')}.${randomBytes(900).toString('base64url')}.${randomBytes(64).toString('base64url')}`],
    ['longer than MAX_TOKEN_LENGTH', `${'a'.repeat(5000)}.${'b'.repeat(5000)}.${'c'.repeat(100)}`],
  ])('%s: exactly {active:false}', async (_name, token) => {
    await expectInactive(token);
  });

  it('20 random binary strings: exactly {active:false}', async () => {
    for (let i = 0; i < 20; i++) await expectInactive(randomBytes(64 + i * 50).toString('latin1'));
  });

  it('a 1 MB token: 400 invalid_request at /introspect and /revoke', async () => {
    const token = `${'a'.repeat(512 * 1024)}.${'b'.repeat(512 * 1024)}.c`;
    for (const path of ['/introspect', '/revoke']) {
      const res = await send(path, new URLSearchParams({ token }));
      expect(res.status).toBe(400);
      expect(res.json?.error).toBe('invalid_request');
    }
  });

  it('a duplicated token parameter: 400 invalid_request', async () => {
    const res = await send('/introspect', 'token=a.b.c&token=d.e.f');
    expect(res.status).toBe(400);
    expect(res.json?.error).toBe('invalid_request');
  });

  it('a missing token: 400 invalid_request', async () => {
    const res = await send('/introspect', 'token_type_hint=access_token');
    expect(res.status).toBe(400);
    expect(res.json?.error).toBe('invalid_request');
  });
});

describe('hostile requests', () => {
  it('/revoke answers 200 with no body for forged and garbage tokens (RFC 7009 §2.2)', async () => {
    for (const token of ['a.b.c', unsigned(outerHeader(t, { alg: 'none' }), await inner()), randomBytes(40).toString('hex')]) {
      const res = await send('/revoke', new URLSearchParams({ token }));
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
    }
  });

  it('a 100 KB body to /introspect: 400 invalid_request', async () => {
    const res = await send('/introspect', new URLSearchParams({ token: 'a.b.c', pad: 'x'.repeat(100 * 1024) }));
    expect(res.status).toBe(400);
    expect(res.json?.error).toBe('invalid_request');
  });

  it.each(['application/json', 'text/plain'])('content-type %s to /introspect and /revoke: 400', async (type) => {
    for (const path of ['/introspect', '/revoke']) {
      const res = await send(path, JSON.stringify({ token: 'a.b.c' }), { ...basic('svc', secret), 'content-type': type });
      expect(res.status).toBe(400);
      expect(res.json?.error).toBe('invalid_request');
    }
  });

  it.each([
    ['no credentials', {}],
    ['garbage Basic', { authorization: 'Basic !!!notbase64' }],
    ['Basic without colon', { authorization: `Basic ${Buffer.from('svc').toString('base64')}` }],
    ['Bearer instead of Basic', { authorization: 'Bearer a.b.c' }],
    ['8 KB Basic', { authorization: `Basic ${Buffer.from(`svc:${'x'.repeat(6000)}`).toString('base64')}` }],
  ])('%s at /introspect: 400 or 401, never 5xx', async (_name, headers) => {
    const res = await send('/introspect', new URLSearchParams({ token: 'a.b.c' }), headers as Record<string, string>);
    expect([400, 401]).toContain(res.status);
    expect(['invalid_request', 'invalid_client']).toContain(res.json?.error);
  });

  it('NUL bytes in client_id, resource and scope at /token: 401 / 400, never 5xx (regression: PostgreSQL 22021)', async () => {
    const unknown = await send('/token', new URLSearchParams({ grant_type: 'client_credentials', client_id: 'sv\u0000c', client_secret: 'x'.repeat(40) }), {});
    expect(unknown.status).toBe(401);
    expect(unknown.json?.error).toBe('invalid_client');
    const target = await send('/token', new URLSearchParams({ grant_type: 'client_credentials', resource: 'https://api\u0000.hostile.test' }));
    expect(target.status).toBe(400);
    const scope = await send('/token', new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read\u0000' }));
    expect(scope.status).toBe(400);
    expect(scope.json?.error).toBe('invalid_scope');
  });

  it('the RFC 9701 JWT answer for a forged token carries only active:false', async () => {
    const res = await introspect(unsigned(outerHeader(t, { alg: 'none' }), await inner()), { ...basic('svc', secret), accept: 'application/token-introspection+jwt' });
    expect(res.status).toBe(200);
    const payload = JSON.parse(Buffer.from(res.text.split('.')[1], 'base64url').toString('utf8'));
    expect(payload.token_introspection).toEqual({ active: false });
  });
});

describe('across every hostile case', () => {
  it('no 5xx, no stack trace or source path in any body, no server error logged', () => {
    expect(leaksInternals(new Error('probe').stack!)).toBe(true); // the detector works
    expect(seen.length).toBeGreaterThan(60);
    for (const res of seen) {
      expect(res.status).toBeLessThan(500);
      expect(leaksInternals(res.text)).toBe(false);
    }
    expect(serverErrors(t.logs)).toEqual([]);
  });
});
