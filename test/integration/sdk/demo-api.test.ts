/**
 * The resource-server SDK against the demo API over real HTTP, with tokens from a
 * real issuer: local verification, RFC 6750 / RFC 9449 challenges, every §7.1 DPoP
 * check at the resource server, certificate binding, permissions and
 * authorization_details, revocation events, nonces and the introspection mode.
 */
import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { exportJWK } from 'jose';
import { createServer, type Server } from 'node:http';
import * as oauth from 'oauth4webapi';
import { createDerivedKeyCache } from '../../../src/keys/index.js';
import { sealToken, type AccessTokenClaims } from '../../../src/tokens/index.js';
import { certificateThumbprint } from '../../../src/binding/index.js';
import { AccessTokenError, expressRequireToken, createDpopNonces, createIntrospectionVerifier, createVerifier, verifyAccessToken, type RevocationView, type Verifier } from '@portcullis/sdk';
import { addRole, assignRole } from '../../../src/authz/index.js';
import { createDemoApi } from '../../../scripts/demo-api/app.js';
import { startTestIssuer, leaksInternals, type TestIssuer } from '../../support/issuer.js';
import { dpopKey, dpopProof, makePki, openingSecretOf, type DpopKey } from '../../support/binding.js';
import { basic, get, post } from '../../support/clients.js';

const API = 'https://api.sdk.test';
let t: TestIssuer;
let secret: string;
let opening: string;
let rsSecret: string;
const servers: Server[] = [];
const revoked = new Set<string>();
const view: RevocationView = { isRevoked: (tok) => revoked.has(tok.jti) };

async function serve(verifier: Verifier, extra: Record<string, unknown> = {}): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  server.on('request', createDemoApi({ verifier, audience: API, publicOrigin: origin, ...extra }).callback());
  servers.push(server);
  return origin;
}

let demo: string;
const WRITER_SECRET = 'writer-secret-0123456789-abcdefghijklmnop';
beforeAll(async () => {
  t = await startTestIssuer();
  await t.addResource({ audience: API, scopes: ['read', 'reports', 'documents'], introspector: 'rs' });
  secret = await t.addClient({ id: 'svc', scopes: ['read', 'reports', 'documents'], audiences: [API] });
  await addRole(t.issuer.db, 'analyst', ['reports:read', 'documents:read']);
  await addRole(t.issuer.db, 'writer', ['reports:write']);
  await t.addClient({ id: 'writer', secret: WRITER_SECRET, scopes: ['reports', 'documents'], audiences: [API] });
  await assignRole(t.issuer.db, { kind: 'client', id: 'writer' }, 'writer');
  await assignRole(t.issuer.db, { kind: 'client', id: 'svc' }, 'analyst'); // before any token: grants are cached for a second
  opening = await openingSecretOf(t, API);
  rsSecret = await t.addClient({ id: 'rs', scopes: [], audiences: [] });
  demo = await serve(createVerifier({ issuer: t.url, audience: API, openingSecret: opening, revocationView: view }));
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await t?.close();
});

async function bearerToken(): Promise<string> {
  const res = await post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }), basic('svc', secret));
  return res.json!.access_token as string;
}
async function dpopToken(key: DpopKey): Promise<string> {
  const res = await post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }),
    { ...basic('svc', secret), dpop: await dpopProof(key, { htm: 'POST', htu: `${t.url}/token` }) });
  expect(res.json?.token_type).toBe('DPoP');
  return res.json!.access_token as string;
}
/** A real token sealed with the issuer's keys, carrying claims the issuer does not mint yet. */
async function sealed(extra: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const master = await t.issuer.keys.currentMaster(API);
  return sealToken({ iss: t.url, sub: 'svc', aud: API, iat: now, exp: now + 300, jti: randomUUID(), client_id: 'svc', scope: 'read', ...extra } as AccessTokenClaims, {
    signingKey: t.issuer.keys.signingKey(), master: master!, handle: t.issuer.tokens.handleOf('svc'), generation: 0, keyCache: createDerivedKeyCache(),
  });
}

const auth = (scheme: string, token: string, proof?: string) => ({ authorization: `${scheme} ${token}`, ...(proof ? { dpop: proof } : {}) });

describe('bearer tokens', () => {
  it('a valid token reaches the route (oauth4webapi as the client)', async () => {
    const res = await oauth.protectedResourceRequest(await bearerToken(), 'GET', new URL(`${demo}/me`), undefined, undefined, { [oauth.allowInsecureRequests]: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: 'svc', client_id: 'svc', scopes: ['read'], binding: 'bearer' });
  });

  it('no token: 401 with a Bearer and a DPoP challenge and no error code (RFC 6750 §3.1)', async () => {
    const res = await get(`${demo}/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="portcullis-demo", DPoP realm="portcullis-demo", algs="ES256 ES384 EdDSA Ed25519 PS256 RS256"');
  });

  it('every bad token gets the same invalid_token answer', async () => {
    const good = await bearerToken();
    const now = Math.floor(Date.now() / 1000);
    const bad = [
      good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA'),
      await sealed({ iat: now - 3600, exp: now - 1800 }),
      await sealed({ aud: 'https://other.sdk.test' }),
      'not-a-token',
    ];
    const answers = await Promise.all(bad.map(async (tok) => get(`${demo}/me`, auth('Bearer', tok))));
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: 'invalid_token', error_description: 'the access token is invalid' });
      expect(res.headers.get('www-authenticate')).toContain('Bearer realm="portcullis-demo", error="invalid_token"');
      expect(leaksInternals(res.text)).toBe(false);
    }
  });

  it('a token revoked by a received event is refused', async () => {
    const tok = await sealed({ jti: `revoked-${randomUUID()}` });
    expect((await get(`${demo}/me`, auth('Bearer', tok))).status).toBe(200);
    revoked.add(JSON.parse(JSON.stringify((await t.issuer.tokens.open(tok))!.claims)).jti as string);
    expect((await get(`${demo}/me`, auth('Bearer', tok))).json?.error).toBe('invalid_token');
  });
});

describe('verifyAccessToken', () => {
  it('takes a verifier or its options, and returns typed claims', async () => {
    const token = await bearerToken();
    const options = { issuer: t.url, audience: API, openingSecret: opening };
    const a = await verifyAccessToken(token, { verifier: createVerifier(options) });
    const b = await verifyAccessToken(token, options);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ subject: 'svc', clientId: 'svc', scopes: ['read'], binding: 'bearer', claims: { aud: API, iss: t.url } });
  });
  it('refuses a token for another audience with the same error as a forged one', async () => {
    const token = await bearerToken();
    const wrongAudience = verifyAccessToken(token, { issuer: t.url, audience: 'https://other.sdk.test', openingSecret: opening });
    await expect(wrongAudience).rejects.toBeInstanceOf(AccessTokenError);
    await expect(wrongAudience).rejects.toMatchObject({ code: 'invalid_token', message: 'the access token is invalid' });
    const wrongIssuer = verifyAccessToken(token, { issuer: 'https://evil.test', jwksUri: `${t.url}/jwks`, audience: API, openingSecret: opening });
    await expect(wrongIssuer).rejects.toMatchObject({ code: 'invalid_token', message: 'the access token is invalid' });
  });
});

describe('keys only from the configured JWKS URL', () => {
  it('never fetches a jku or x5u from a token header, and refuses the token', async () => {
    const fetched: string[] = [];
    const recording: typeof fetch = (input, init) => { fetched.push(String(input)); return fetch(input, init); };
    const verifier = createVerifier({ issuer: t.url, audience: API, openingSecret: opening, fetch: recording });
    const good = await bearerToken();
    await verifier.verify(good);
    const { CompactSign } = await import('jose');
    const key = t.issuer.keys.signingKey();
    const inner = Buffer.from(good.split('.')[1], 'base64url');
    for (const extra of [{ jku: 'http://127.0.0.1:9/evil-jwks' }, { x5u: 'http://127.0.0.1:9/evil.pem' }]) {
      const forged = await new CompactSign(inner).setProtectedHeader({ alg: key.alg, kid: 'unknown-kid', typ: 'portcullis-at+jwt', cty: 'JWT', ...extra }).sign(key.key);
      await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'invalid_token' });
    }
    expect(fetched).toEqual([`${t.url}/jwks`]);
  });
});

describe('DPoP-bound tokens at the resource server (RFC 9449 §7.1)', () => {
  let key: DpopKey;
  let token: string;
  beforeAll(async () => { key = await dpopKey(); token = await dpopToken(key); });
  const me = () => `${demo}/me`;

  it('a fresh proof for this request is accepted (oauth4webapi DPoP client)', async () => {
    const client: oauth.Client = { client_id: 'svc' };
    const pair = await oauth.generateKeyPair('ES256');
    const DPoP = oauth.DPoP(client, pair);
    const tokenRes = await oauth.clientCredentialsGrantRequest(
      { issuer: t.url, token_endpoint: `${t.url}/token` }, client, oauth.ClientSecretBasic(secret), { resource: API, scope: 'read' }, { DPoP, [oauth.allowInsecureRequests]: true });
    const access = (await tokenRes.json() as { access_token: string }).access_token;
    const res = await oauth.protectedResourceRequest(access, 'GET', new URL(me()), undefined, undefined, { DPoP, [oauth.allowInsecureRequests]: true });
    expect(res.status).toBe(200);
    expect((await res.json() as { binding: string }).binding).toBe('dpop');
  });

  it('hand-made proof: accepted once (control), then refused as a replay', async () => {
    const proof = await dpopProof(key, { htm: 'GET', htu: me(), token });
    expect((await get(me(), auth('DPoP', token, proof))).status).toBe(200);
    const again = await get(me(), auth('DPoP', token, proof));
    expect(again.status).toBe(401);
    expect(again.json?.error).toBe('invalid_dpop_proof');
    expect(again.headers.get('www-authenticate')).toContain('DPoP realm="portcullis-demo", algs=');
    expect(again.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"');
  });

  it('the query string is not part of htu', async () => {
    const proof = await dpopProof(key, { htm: 'GET', htu: me(), token });
    expect((await get(`${me()}?x=1`, auth('DPoP', token, proof))).status).toBe(200);
  });

  it.each([
    ['wrong htm', () => dpopProof(key, { htm: 'POST', htu: me(), token }), 'invalid_dpop_proof'],
    ['wrong htu', () => dpopProof(key, { htm: 'GET', htu: `${demo}/reports`, token }), 'invalid_dpop_proof'],
    ['stale iat', () => dpopProof(key, { htm: 'GET', htu: me(), token, iat: Math.floor(Date.now() / 1000) - 300 }), 'invalid_dpop_proof'],
    ['iat in the future', () => dpopProof(key, { htm: 'GET', htu: me(), token, iat: Math.floor(Date.now() / 1000) + 300 }), 'invalid_dpop_proof'],
    ['missing ath', () => dpopProof(key, { htm: 'GET', htu: me() }), 'invalid_dpop_proof'],
    ['wrong ath', () => dpopProof(key, { htm: 'GET', htu: me(), ath: 'A'.repeat(43) }), 'invalid_dpop_proof'],
    ['another key', async () => dpopProof(await dpopKey(), { htm: 'GET', htu: me(), token }), 'invalid_token'],
    ['a jwk that did not sign it', async () => dpopProof({ ...(await dpopKey()), publicJwk: key.publicJwk }, { htm: 'GET', htu: me(), token }), 'invalid_dpop_proof'],
    ['typ JWT', () => dpopProof(key, { htm: 'GET', htu: me(), token }, { typ: 'JWT' }), 'invalid_dpop_proof'],
    ['a private key in its jwk header', async () => dpopProof(key, { htm: 'GET', htu: me(), token }, { jwk: await exportJWK(key.privateKey) }), 'invalid_dpop_proof'],
    ['alg HS256', async () => {
      const { SignJWT } = await import('jose');
      return new SignJWT({ htm: 'GET', htu: me(), jti: randomUUID(), ath: createHash('sha256').update(token).digest('base64url') })
        .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.publicJwk }).setIssuedAt().sign(new Uint8Array(32));
    }, 'invalid_dpop_proof'],
    ['two proofs in the header', async () => `${await dpopProof(key, { htm: 'GET', htu: me(), token })}, ${await dpopProof(key, { htm: 'GET', htu: me(), token })}`, 'invalid_dpop_proof'],
  ])('refuses a proof with %s', async (_name, make, code) => {
    const res = await get(me(), auth('DPoP', token, await make()));
    expect(res.status).toBe(401);
    expect(res.json?.error).toBe(code);
  });

  it('refuses a DPoP-bound token sent as Bearer, with or without a proof', async () => {
    expect((await get(me(), auth('Bearer', token))).json?.error).toBe('invalid_token');
    expect((await get(me(), auth('Bearer', token, await dpopProof(key, { htm: 'GET', htu: me(), token })))).json?.error).toBe('invalid_token');
  });

  it('refuses the DPoP scheme without a proof', async () => {
    expect((await get(me(), auth('DPoP', token))).json?.error).toBe('invalid_dpop_proof');
  });

  it('refuses a bearer token presented with the DPoP scheme and a proof', async () => {
    const bearer = await bearerToken();
    const res = await get(me(), auth('DPoP', bearer, await dpopProof(key, { htm: 'GET', htu: me(), token: bearer })));
    expect(res.json?.error).toBe('invalid_token');
  });

  it('use_dpop_nonce: a resource server that requires nonces hands one out, then accepts it', async () => {
    const nonces = createDpopNonces(new Uint8Array(32).fill(7));
    const origin = await serve(createVerifier({ issuer: t.url, audience: API, openingSecret: opening, dpop: { nonces } }), { dpopNonces: nonces });
    const url = `${origin}/me`;
    const first = await get(url, auth('DPoP', token, await dpopProof(key, { htm: 'GET', htu: url, token })));
    expect(first.status).toBe(401);
    expect(first.json?.error).toBe('use_dpop_nonce');
    expect(first.headers.get('www-authenticate')).toContain('error="use_dpop_nonce"');
    const nonce = first.headers.get('dpop-nonce')!;
    expect((await get(url, auth('DPoP', token, await dpopProof(key, { htm: 'GET', htu: url, token, nonce })))).status).toBe(200);
    expect((await get(url, auth('DPoP', token, await dpopProof(key, { htm: 'GET', htu: url, token, nonce: 'made-up' })))).json?.error).toBe('use_dpop_nonce');
  });
});

describe('authorization on claims, with tokens the issuer issues', () => {
  /** A token from /token for `client`, with extra form parameters (scope, authorization_details). */
  async function issued(client: [string, string], extra: Record<string, string>): Promise<string> {
    const res = await post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API, ...extra }), basic(...client));
    expect(res.status).toBe(200);
    return res.json!.access_token as string;
  }

  it('requirePermissions: 200 with reports:read in the token, 403 insufficient_scope without it', async () => {
    const analyst = await issued(['svc', secret], { scope: 'reports' });
    expect((await get(`${demo}/reports`, auth('Bearer', analyst))).json).toEqual({ reports: ['q1', 'q2'] });
    const narrow = await issued(['svc', secret], { scope: 'read' });
    const writer = await issued(['writer', WRITER_SECRET], { scope: 'reports' });
    for (const tok of [narrow, writer]) {
      const res = await get(`${demo}/reports`, auth('Bearer', tok));
      expect(res.status).toBe(403);
      expect(res.json?.error).toBe('insufficient_scope');
      expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    }
  });

  it('requireAuthorizationDetails: a granted document_access opens its own document only', async () => {
    const detail = (d: Record<string, unknown>) => issued(['svc', secret], { authorization_details: JSON.stringify([{ type: 'document_access', actions: ['read'], ...d }]) });
    const byIdentifier = await detail({ identifier: 'report-7' });
    expect((await get(`${demo}/documents/report-7`, auth('Bearer', byIdentifier))).json).toEqual({ id: 'report-7', content: 'document report-7' });
    expect((await get(`${demo}/documents/report-8`, auth('Bearer', byIdentifier))).status).toBe(403);
    const withLocation = await detail({ identifier: 'report-7', locations: [API] });
    expect((await get(`${demo}/documents/report-7`, auth('Bearer', withLocation))).status).toBe(200);
    expect((await get(`${demo}/documents/report-7`, auth('Bearer', await detail({})))).status).toBe(403);
  });

  it('requireAuthorizationDetails: the action and the type must match too', async () => {
    const sealedDetail = (d: Record<string, unknown>) => sealed({ authorization_details: [{ type: 'document_access', actions: ['read'], identifier: 'd1', ...d }] });
    expect((await get(`${demo}/documents/d1`, auth('Bearer', await sealedDetail({})))).status).toBe(200);
    expect((await get(`${demo}/documents/d1`, auth('Bearer', await sealedDetail({ actions: ['write'] })))).status).toBe(403);
    expect((await get(`${demo}/documents/d1`, auth('Bearer', await sealedDetail({ type: 'payment_initiation' })))).status).toBe(403);
    expect((await get(`${demo}/documents/d1`, auth('Bearer', await sealedDetail({ locations: ['https://other.sdk.test'] })))).status).toBe(403);
  });
});

describe('certificate-bound tokens at the resource server (RFC 8705 §3)', () => {
  it('needs the same certificate: match accepted, another or none refused', async () => {
    const pki = makePki();
    try {
      const bound = await sealed({ cnf: { 'x5t#S256': certificateThumbprint(new X509Certificate(pki.client.cert)) } });
      const verifier = createVerifier({ issuer: t.url, audience: API, openingSecret: opening });
      const presented = (pem?: string) => verifier.verify(bound, { certificateThumbprint: pem ? certificateThumbprint(new X509Certificate(pem)) : undefined });
      expect((await presented(pki.client.cert)).binding).toBe('mtls');
      await expect(presented(pki.other.cert)).rejects.toMatchObject({ code: 'invalid_token', reason: 'ERR_MTLS_THUMBPRINT' });
      await expect(presented()).rejects.toMatchObject({ code: 'invalid_token', reason: 'ERR_MTLS_MISSING' });
    } finally {
      pki.remove();
    }
  });
});

describe('Express-compatible middleware', () => {
  it('passes a valid token on req.accessToken and answers failures with a challenge', async () => {
    const check = expressRequireToken(createVerifier({ issuer: t.url, audience: API, openingSecret: opening }), { realm: 'express' });
    const server = createServer((req, res) => check(req, res, (err) => {
      if (err) { res.writeHead(500).end(); return; }
      res.end(JSON.stringify({ sub: (req as typeof req & { accessToken?: { subject: string } }).accessToken?.subject }));
    }));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/x`;
    expect((await get(url, auth('Bearer', await bearerToken()))).json).toEqual({ sub: 'svc' });
    const bad = await get(url, auth('Bearer', 'a.b.c'));
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('Bearer realm="express", error="invalid_token"');
  });
});

describe('introspection-backed mode', () => {
  it('verifies through /introspect, caches, and forgets on a revocation signal', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => { calls += 1; return fetch(input, init); };
    const verifier = createIntrospectionVerifier({ issuer: t.url, audience: API, clientId: 'rs', clientSecret: rsSecret, fetch: counting });
    const origin = await serve(verifier);
    const tok = await bearerToken();
    expect((await get(`${origin}/me`, auth('Bearer', tok))).json).toMatchObject({ sub: 'svc', binding: 'bearer' });
    expect((await get(`${origin}/me`, auth('Bearer', tok))).status).toBe(200);
    expect(calls).toBe(1);
    await post(`${t.url}/revoke`, new URLSearchParams({ token: tok }), basic('svc', secret));
    const opened = await verifier.verify(tok);
    verifier.drop(opened.claims.jti);
    expect((await get(`${origin}/me`, auth('Bearer', tok))).json?.error).toBe('invalid_token');
    expect(calls).toBe(2);
  });

  it('checks the DPoP binding locally against the returned cnf', async () => {
    const origin = await serve(createIntrospectionVerifier({ issuer: t.url, audience: API, clientId: 'rs', clientSecret: rsSecret }));
    const key = await dpopKey();
    const tok = await dpopToken(key);
    const url = `${origin}/me`;
    expect((await get(url, auth('DPoP', tok, await dpopProof(key, { htm: 'GET', htu: url, token: tok })))).json?.binding).toBe('dpop');
    expect((await get(url, auth('Bearer', tok))).json?.error).toBe('invalid_token');
    expect((await get(url, auth('DPoP', tok, await dpopProof(await dpopKey(), { htm: 'GET', htu: url, token: tok })))).json?.error).toBe('invalid_token');
  });
});
