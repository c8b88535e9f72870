/**
 * The gateway check as Traefik ForwardAuth and Envoy ext_authz (HTTP service) call it,
 * each with its own way of forwarding the original request; a certificate-bound token
 * held to the certificate the gateway's TLS saw; hostile gateway input answered with a
 * clear OAuth error; the gateway's own throttle.
 */
import { X509Certificate } from 'node:crypto';
import { certificateThumbprint } from '../../../src/binding/index.js';
import { addBoundClient, dpopKey, dpopProof, makePki, type Pki } from '../../support/binding.js';
import { basic, post } from '../../support/clients.js';
import { craftInner, outerHeader, signWithIssuerKey } from '../../support/craft.js';
import { leaksInternals, serverErrors, startTestIssuer, type TestIssuer } from '../../support/issuer.js';

const API = 'https://api.forward.test';
let t: TestIssuer;
let pki: Pki;
const secrets: Record<string, string> = {};

beforeAll(async () => {
  pki = makePki();
  t = await startTestIssuer({ THROTTLE_GATEWAY: 'ip=40/1m,client=40/1m' });
  await t.addResource({ audience: API, scopes: ['read', 'write'], introspector: 'gw' });
  secrets.gw = await t.addClient({ id: 'gw', scopes: [], audiences: [] });
  secrets.svc = await t.addClient({ id: 'svc', scopes: ['read', 'write'], audiences: [API] });
  secrets.bound = await addBoundClient(t, { id: 'bound', scopes: ['read'], audiences: [API], binding: { dpopBound: true } });
});

afterAll(async () => {
  await t?.close();
  pki?.remove();
});

const gateway = (id = 'gw', secret = secrets.gw) => ({ 'gateway-authorization': `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });

async function tokenFor(scope = 'read'): Promise<string> {
  const res = await post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope }), basic('svc', secrets.svc));
  return res.json?.access_token as string;
}

async function check(path: string, init: { method?: string; headers: Record<string, string> }): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(`${t.url}${path}`, init);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

describe('Traefik ForwardAuth (X-Forwarded-Method, -Proto, -Host, -Uri)', () => {
  const forwarded = (method: string, uri: string) => ({ 'x-forwarded-method': method, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.forward.test', 'x-forwarded-uri': uri });

  it('answers 200 with who called, no-store', async () => {
    const res = await check('/gateway/check', { headers: { ...gateway(), ...forwarded('GET', '/reports'), authorization: `Bearer ${await tokenFor('read write')}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('portcullis-')))).toEqual({
      'portcullis-subject': 'svc', 'portcullis-client': 'svc', 'portcullis-audience': API, 'portcullis-scope': 'read write', 'portcullis-permissions': '',
    });
  });

  it('checks a DPoP proof against the URL Traefik forwarded, not the check URL', async () => {
    const key = await dpopKey();
    const issued = await post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }),
      { ...basic('bound', secrets.bound), dpop: await dpopProof(key, { htm: 'POST', htu: `${t.url}/token` }) });
    const token = issued.json?.access_token as string;
    const headers = (proof: string) => ({ ...gateway(), ...forwarded('PUT', '/orders/7?x=1'), authorization: `DPoP ${token}`, dpop: proof });
    const atCheck = await check('/gateway/check', { headers: headers(await dpopProof(key, { htm: 'GET', htu: `${t.url}/gateway/check`, token })) });
    expect(atCheck.status).toBe(401);
    expect(atCheck.headers.get('www-authenticate')).toMatch(/^DPoP realm="[^"]*", error="invalid_token"/);
    const wrongMethod = await check('/gateway/check', { headers: headers(await dpopProof(key, { htm: 'GET', htu: 'https://api.forward.test/orders/7', token })) });
    expect(wrongMethod.status).toBe(401);
    const right = await check('/gateway/check', { headers: headers(await dpopProof(key, { htm: 'PUT', htu: 'https://api.forward.test/orders/7', token })) }); // RFC 9449 §4.3: htu without query
    expect(right.status).toBe(200);
  });
});

describe('Envoy ext_authz (the original method, the original path after /gateway/check)', () => {
  it('answers for any method and path, and holds a DPoP proof to them', async () => {
    const key = await dpopKey();
    const issued = await post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }),
      { ...basic('bound', secrets.bound), dpop: await dpopProof(key, { htm: 'POST', htu: `${t.url}/token` }) });
    const token = issued.json?.access_token as string;
    const headers = async (htm: string, htu: string) => ({ ...gateway(), 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.forward.test', authorization: `DPoP ${token}`, dpop: await dpopProof(key, { htm, htu, token }) });
    const ok = await check('/gateway/check/v1/items/9?full=1', { method: 'DELETE', headers: await headers('DELETE', 'https://api.forward.test/v1/items/9') });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('portcullis-client')).toBe('bound');
    const other = await check('/gateway/check/v1/items/10', { method: 'DELETE', headers: await headers('DELETE', 'https://api.forward.test/v1/items/9') });
    expect(other.status).toBe(401);
  });

  it('refuses a revoked token on the next check', async () => {
    const token = await tokenFor();
    const headers = { ...gateway(), 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.forward.test', authorization: `Bearer ${token}` };
    expect((await check('/gateway/check/a', { headers })).status).toBe(200);
    await post(`${t.url}/revoke`, new URLSearchParams({ token }), basic('svc', secrets.svc));
    const res = await check('/gateway/check/a', { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

describe('certificate-bound tokens (RFC 8705 §3) through a TLS-terminating gateway', () => {
  it('pass only with the certificate the gateway forwards in X-Client-Cert', async () => {
    const cnf = { 'x5t#S256': certificateThumbprint(new X509Certificate(pki.client.cert)) };
    const token = signWithIssuerKey(t, outerHeader(t), await craftInner(t, { aud: API, sub: 'svc', clientId: 'svc', claims: { cnf } }));
    const base = { ...gateway(), 'x-original-method': 'GET', 'x-original-url': 'https://api.forward.test/a', authorization: `Bearer ${token}` };
    expect((await check('/gateway/check', { headers: { ...base, 'x-client-cert': encodeURIComponent(pki.client.cert) } })).status).toBe(200);
    expect((await check('/gateway/check', { headers: { ...base, 'x-client-cert': encodeURIComponent(pki.other.cert) } })).status).toBe(401);
    expect((await check('/gateway/check', { headers: base })).status).toBe(401);
  });
});

describe('hostile gateway input', () => {
  it.each([
    ['no original request at all', {}],
    ['a method that is not a token', { 'x-original-method': 'GET /x', 'x-original-url': 'https://api.forward.test/a' }],
    ['a URL that is not http(s)', { 'x-original-method': 'GET', 'x-original-url': 'javascript:alert(1)' }],
    ['a relative URL', { 'x-original-method': 'GET', 'x-original-url': '/a' }],
    ['a forwarded URI without a leading slash', { 'x-forwarded-method': 'GET', 'x-forwarded-uri': 'a@evil.test/x' }],
    ['a malformed client certificate', { 'x-original-method': 'GET', 'x-original-url': 'https://api.forward.test/a', 'x-client-cert': '-----BEGIN%20CERTIFICATE-----%0Anope' }],
    ['a certificate header that does not decode', { 'x-original-method': 'GET', 'x-original-url': 'https://api.forward.test/a', 'x-client-cert': '%E0%A4%A' }],
  ])('%s: 400 invalid_request', async (_name, extra: Record<string, string>) => {
    const res = await check('/gateway/check', { headers: { ...gateway(), authorization: `Bearer ${await tokenFor()}`, ...extra } });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request' });
    expect(leaksInternals(res.body)).toBe(false);
  });

  it.each([
    ['no credentials', {}],
    ['a scheme other than Basic', { 'gateway-authorization': 'Bearer abc' }],
    ['Basic that is not base64 of id:secret', { 'gateway-authorization': 'Basic %%%' }],
    ['an unknown gateway', { 'gateway-authorization': `Basic ${Buffer.from('nobody:x').toString('base64')}` }],
    ['a client secret sent in Authorization instead', { authorization: `Basic ${Buffer.from(`gw:${'x'}`).toString('base64')}` }],
  ])('%s: 401 invalid_client with a Basic challenge', async (_name, headers: Record<string, string>) => {
    const res = await check('/gateway/check', { headers: { authorization: `Bearer ${await tokenFor()}`, 'x-original-method': 'GET', 'x-original-url': 'https://api.forward.test/a', ...headers } });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_client' });
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="portcullis-gateway"');
    expect(res.headers.get('portcullis-subject')).toBeNull();
  });

  it.each([
    ['a token that is not one', 'Bearer not-a-token'],
    ['a token with a bad signature', 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.AAAA'],
    ['the scheme alone', 'Bearer'],
    ['two tokens', 'Bearer a b'],
  ])('%s: 401 invalid_token', async (_name, authorization) => {
    const res = await check('/gateway/check', { headers: { ...gateway(), authorization, 'x-original-method': 'GET', 'x-original-url': 'https://api.forward.test/a' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="/);
    expect(leaksInternals(res.body)).toBe(false);
  });
});

describe("the gateway's throttle", () => {
  it('answers 429 with Retry-After once the budget is spent, before looking at the token', async () => {
    const headers = { ...gateway(), authorization: 'Bearer x', 'x-original-method': 'GET', 'x-original-url': 'https://api.forward.test/a' };
    let limited: { status: number; headers: Headers; body: string } | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const res = await check('/gateway/check', { headers });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(401);
    }
    expect(limited).toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.parse(limited!.body)).toMatchObject({ error: expect.any(String) });
  });

  it('logged no server error', () => {
    expect(serverErrors(t.logs)).toEqual([]);
  });
});
