/**
 * DPoP (RFC 9449) at the issuer over real HTTP, with oauth4webapi as the client:
 * token_type DPoP and cnf.jkt in the nested token, the §4.3 checks at /token,
 * server nonces for public clients, and /introspect's presented-proof check.
 */
import * as oauth from 'oauth4webapi';
import { startTestIssuer, leaksInternals, serverErrors, type TestIssuer } from '../../support/issuer.js';
import { addBoundClient, dpopKey, dpopProof, type DpopKey } from '../../support/binding.js';
import { basic, post } from '../../support/clients.js';

const API = 'https://api.dpop.test';
let t: TestIssuer;
let as: oauth.AuthorizationServer;
let secret: string;
let rsSecret: string;
let mustDpopSecret: string;
const insecure = { [oauth.allowInsecureRequests]: true };

beforeAll(async () => {
  t = await startTestIssuer();
  await t.addResource({ audience: API, scopes: ['read'], introspector: 'rs' });
  secret = await t.addClient({ id: 'svc', scopes: ['read'], audiences: [API] });
  rsSecret = await t.addClient({ id: 'rs', scopes: [], audiences: [] });
  mustDpopSecret = await addBoundClient(t, { id: 'must-dpop', scopes: ['read'], audiences: [API], binding: { dpopBound: true } });
  const issuer = new URL(t.url);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
});

afterAll(async () => { await t?.close(); });

async function dpopToken(keyPair: CryptoKeyPair, id = 'svc', clientSecret = secret) {
  const client: oauth.Client = { client_id: id };
  const DPoP = oauth.DPoP(client, keyPair);
  const request = () => oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(clientSecret), { resource: API, scope: 'read' }, { DPoP, ...insecure });
  let response = await request();
  try {
    return await oauth.processClientCredentialsResponse(as, client, response);
  } catch (err) {
    if (!oauth.isDPoPNonceError(err)) throw err;
    response = await request();
    return oauth.processClientCredentialsResponse(as, client, response);
  }
}

const tokenUrl = () => `${t.url}/token`;
const form = { grant_type: 'client_credentials', resource: API, scope: 'read' };
async function rawToken(proof: string | undefined, id = 'svc', clientSecret = secret) {
  return post(tokenUrl(), new URLSearchParams(form), { ...basic(id, clientSecret), ...(proof ? { dpop: proof } : {}) });
}
async function keyOf(): Promise<DpopKey> { return dpopKey(); }

describe('token endpoint', () => {
  it('answers token_type DPoP, and the nested token carries cnf.jkt of the proof key', async () => {
    const keyPair = await oauth.generateKeyPair('ES256');
    const res = await dpopToken(keyPair);
    expect(res.token_type).toBe('dpop');
    const opened = await t.issuer.tokens.open(res.access_token);
    const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
    const { calculateJwkThumbprint } = await import('jose');
    expect(opened?.claims.cnf).toEqual({ jkt: await calculateJwkThumbprint(jwk as never) });
  });

  it('answers Bearer without a proof (control)', async () => {
    const res = await rawToken(undefined);
    expect(res.json).toMatchObject({ token_type: 'Bearer' });
    expect((await t.issuer.tokens.open(res.json!.access_token as string))?.claims.cnf).toBeUndefined();
  });

  const refused = async (proof: string) => {
    const res = await rawToken(proof);
    expect(res.status).toBe(400);
    expect(res.json?.error).toBe('invalid_dpop_proof');
    expect(leaksInternals(res.text)).toBe(false);
  };

  it('refuses a proof for another method (htm)', async () => { await refused(await dpopProof(await keyOf(), { htm: 'GET', htu: tokenUrl() })); });
  it('refuses a proof for another URL (htu)', async () => { await refused(await dpopProof(await keyOf(), { htm: 'POST', htu: `${t.url}/introspect` })); });
  it('refuses a stale proof (iat)', async () => {
    const res = await rawToken(await dpopProof(await keyOf(), { htm: 'POST', htu: tokenUrl(), iat: Math.floor(Date.now() / 1000) - 3600 }));
    expect(res.status).toBe(400);
    expect(['invalid_dpop_proof', 'use_dpop_nonce']).toContain(res.json?.error);
  });
  it('refuses a proof signed by a key other than its jwk', async () => {
    const [a, b] = [await keyOf(), await keyOf()];
    await refused(await dpopProof({ ...a, publicJwk: b.publicJwk }, { htm: 'POST', htu: tokenUrl() }));
  });
  it('refuses a proof with a symmetric or wrong typ header', async () => {
    await refused(await dpopProof(await keyOf(), { htm: 'POST', htu: tokenUrl() }, { typ: 'JWT' }));
  });
  it('refuses a replayed proof', async () => {
    const proof = await dpopProof(await keyOf(), { htm: 'POST', htu: tokenUrl() });
    expect((await rawToken(proof)).status).toBe(200);
    const again = await rawToken(proof);
    expect(again.status).toBe(400);
    expect(again.json?.error).toMatch(/invalid_grant|invalid_dpop_proof/);
  });
  it('refuses a dpop_bound_access_tokens client that sends no proof', async () => {
    const pepperSecret = mustDpopSecret;
    const res = await rawToken(undefined, 'must-dpop', pepperSecret);
    expect(res.status).toBe(400);
    const ok = await rawToken(await dpopProof(await keyOf(), { htm: 'POST', htu: tokenUrl() }), 'must-dpop', pepperSecret);
    expect(ok.json?.token_type).toBe('DPoP');
  });
  it('advertises DPoP in discovery', () => {
    expect(as.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256']));
  });
});

describe('introspection with the presenter proof', () => {
  const RS_URL = 'https://api.dpop.test/things';
  let key: DpopKey;
  let token: string;
  beforeAll(async () => {
    key = await dpopKey();
    const res = await rawToken(await dpopProof(key, { htm: 'POST', htu: tokenUrl() }));
    token = res.json!.access_token as string;
  });
  const introspect = (extra: Record<string, string>) => post(`${t.url}/introspect`, new URLSearchParams({ token, ...extra }), basic('rs', rsSecret));

  it('returns cnf.jkt without a proof', async () => {
    const res = await introspect({});
    expect(res.json).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: expect.any(String) } });
  });
  it('is active with a matching proof', async () => {
    const proof = await dpopProof(key, { htm: 'GET', htu: RS_URL, token });
    expect((await introspect({ dpop_proof: proof, htm: 'GET', htu: RS_URL })).json).toMatchObject({ active: true });
  });
  it.each([
    ['another key', async () => dpopProof(await dpopKey(), { htm: 'GET', htu: RS_URL, token }), 'GET', RS_URL],
    ['wrong htm', async () => dpopProof(key, { htm: 'POST', htu: RS_URL, token }), 'GET', RS_URL],
    ['wrong htu', async () => dpopProof(key, { htm: 'GET', htu: 'https://evil.test/things', token }), 'GET', RS_URL],
    ['missing ath', async () => dpopProof(key, { htm: 'GET', htu: RS_URL }), 'GET', RS_URL],
    ['wrong ath', async () => dpopProof(key, { htm: 'GET', htu: RS_URL, ath: 'x'.repeat(43) }), 'GET', RS_URL],
    ['stale iat', async () => dpopProof(key, { htm: 'GET', htu: RS_URL, token, iat: Math.floor(Date.now() / 1000) - 600 }), 'GET', RS_URL],
  ])('is {active:false} for %s', async (_name, make, htm, htu) => {
    expect((await introspect({ dpop_proof: await make(), htm, htu })).json).toEqual({ active: false });
  });
  it('is {active:false} for a replayed proof', async () => {
    const proof = await dpopProof(key, { htm: 'GET', htu: RS_URL, token });
    expect((await introspect({ dpop_proof: proof, htm: 'GET', htu: RS_URL })).json?.active).toBe(true);
    expect((await introspect({ dpop_proof: proof, htm: 'GET', htu: RS_URL })).json).toEqual({ active: false });
  });
  it('is {active:false} for a proof presented with a bearer token', async () => {
    const bearer = (await rawToken(undefined)).json!.access_token as string;
    const proof = await dpopProof(key, { htm: 'GET', htu: RS_URL, token: bearer });
    const res = await post(`${t.url}/introspect`, new URLSearchParams({ token: bearer, dpop_proof: proof, htm: 'GET', htu: RS_URL }), basic('rs', rsSecret));
    expect(res.json).toEqual({ active: false });
  });
  it('logged no server error', () => { expect(serverErrors(t.logs)).toEqual([]); });
});

describe('nonces', () => {
  it('public-client policy: a confidential client needs no nonce; DPOP_NONCE=always demands one', async () => {
    const strict = await startTestIssuer({ DPOP_NONCE: 'always' });
    try {
      await strict.addResource({ audience: API, scopes: ['read'] });
      const s = await strict.addClient({ id: 'svc', scopes: ['read'], audiences: [API] });
      const key = await keyOf();
      const first = await post(`${strict.url}/token`, new URLSearchParams(form), { ...basic('svc', s), dpop: await dpopProof(key, { htm: 'POST', htu: `${strict.url}/token` }) });
      expect(first.status).toBe(400);
      expect(first.json?.error).toBe('use_dpop_nonce');
      const nonce = first.headers.get('dpop-nonce')!;
      expect(nonce).toBeTruthy();
      const second = await post(`${strict.url}/token`, new URLSearchParams(form), { ...basic('svc', s), dpop: await dpopProof(key, { htm: 'POST', htu: `${strict.url}/token`, nonce }) });
      expect(second.json?.token_type).toBe('DPoP');
      const forged = await post(`${strict.url}/token`, new URLSearchParams(form), { ...basic('svc', s), dpop: await dpopProof(key, { htm: 'POST', htu: `${strict.url}/token`, nonce: 'forged-nonce' }) });
      expect(forged.json?.error).toBe('use_dpop_nonce');
    } finally {
      await strict.close();
    }
  });
});
