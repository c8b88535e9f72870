/**
 * Gates fail closed. Every route oidc-provider serves is in the issuer's route table, and
 * every one of them that authenticates a client (found by asking a bare oidc-provider,
 * built from the issuer's own configuration, with credentials of a client that does not
 * exist) answers a deny-listed address with the gate's 403, however its path is spelled:
 * another letter case, a trailing slash, percent-encoding, a doubled slash, a dot
 * segment, an absolute-form request target. A spelling the table does not route is a
 * 404 that reaches nothing.
 */
import { createServer, type Server } from 'node:http';
import { ENDPOINTS, PROVIDER_ROUTES } from '../../../src/oidc/index.js';
import { GATES } from '../../../src/http/index.js';
import { basic, get, post } from '../../support/clients.js';
import { serverErrors, startTestIssuer, type TestIssuer } from '../../support/issuer.js';
import { rawRequest } from '../../support/raw-http.js';

const API = 'https://api.routes.test';
const DENIED = '203.0.113.9';
let t: TestIssuer;
let bare: Server;
let bareUrl: string;
let secret: string;

beforeAll(async () => {
  t = await startTestIssuer({ TRUSTED_PROXIES: '127.0.0.1', RISK_DENY_IPS: DENIED });
  await t.addResource({ audience: API, scopes: ['read'] });
  secret = await t.addClient({ id: 'svc', scopes: ['read'], audiences: [API] });
  bare = createServer(t.issuer.oidc.provider().callback());
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const address = bare.address();
  bareUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((resolve) => bare?.close(resolve));
  await t?.close();
});

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'];
const nobody = basic('no-such-client', 'n'.repeat(43));
const form = 'grant_type=client_credentials&token=x';

/** Every path oidc-provider could serve: its configured endpoints and the paths derived from them, and what discovery names. */
async function candidatePaths(): Promise<string[]> {
  const discovery = (await get(`${t.url}/.well-known/openid-configuration`)).json as Record<string, unknown>;
  const named = Object.entries(discovery).filter(([k, v]) => (k.endsWith('_endpoint') || k === 'jwks_uri') && typeof v === 'string').map(([, v]) => new URL(v as string).pathname);
  const endpoints = Object.values(ENDPOINTS);
  const derived = endpoints.flatMap((p) => [`${p}/x`, `${p}/confirm`, `${p}/success`]);
  const wellKnown = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/.well-known/openid-credential-issuer', '/interaction/x', '/token/introspection', '/token/revocation'];
  return [...new Set([...named, ...endpoints, ...derived, ...wellKnown])];
}

/** What the bare provider answers (no gates, no route table in front). */
async function bareAnswers(): Promise<{ method: string; path: string; status: number; error?: string }[]> {
  const answers = [];
  for (const path of await candidatePaths()) {
    for (const method of METHODS) {
      const res = await rawRequest(bareUrl, method, path, { ...nobody, 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://rp.test' }, method === 'GET' || method === 'OPTIONS' ? '' : form);
      const error = /"error":"([a-z_]+)"/.exec(res.body)?.[1];
      answers.push({ method, path, status: res.status, error });
    }
  }
  return answers;
}

describe('the route table against oidc-provider', () => {
  it('lists every path and method a bare oidc-provider with this configuration serves', async () => {
    const served = (await bareAnswers()).filter((a) => a.status !== 404);
    expect(served.length).toBeGreaterThan(10);
    const pathMatches = (route: string, path: string) => new RegExp(`^${route.replace(/:uid$/, '[^/]+')}$`).test(path);
    const listed = (path: string, method: string) => path === ENDPOINTS.jwks // served from the key store
      || PROVIDER_ROUTES.some((r) => pathMatches(r.path, path) && (r.methods.includes(method) || (method === 'HEAD' && r.methods.includes('GET'))));
    expect(served.filter((a) => !listed(a.path, a.method)).map((a) => `${a.method} ${a.path} ${a.status}`)).toEqual([]);
  });

  it('gates every route where oidc-provider authenticates a client', async () => {
    const authenticating = (await bareAnswers()).filter((a) => a.status === 401 && a.error === 'invalid_client');
    expect(authenticating.map((a) => `${a.method} ${a.path}`)).toEqual(expect.arrayContaining(['POST /token', 'POST /introspect', 'POST /revoke', 'POST /request']));
    for (const { method, path } of authenticating) {
      const route = PROVIDER_ROUTES.find((r) => r.path === path);
      expect([path, route && GATES[route.name]]).toEqual([path, expect.any(String)]);
      const res = await rawRequest(t.url, method, path, { ...nobody, 'X-Forwarded-For': DENIED, 'Content-Type': 'application/x-www-form-urlencoded' }, form);
      expect([method, path, res.status]).toEqual([method, path, 403]);
    }
  });
});

describe('every spelling of a gated path', () => {
  // each gated path with a method it answers (sign-out answers GET)
  const gated = PROVIDER_ROUTES.filter((r) => GATES[r.name] !== undefined && !r.path.includes(':')).map((r) => ({ path: r.path, method: r.methods[0] }));
  const routed = (p: string) => [p.toUpperCase(), p.replace(/[a-z]/, (c) => c.toUpperCase()), `${p}/`, `${p.toUpperCase()}/`];
  const percentEncoded = (p: string) => `/%${p.charCodeAt(1).toString(16).toUpperCase()}${p.slice(2)}`;
  const unrouted = (p: string) => [percentEncoded(p), `/${p}`, `/.${p}`, `${p}//`, `${p}%2F`, `${p};x`];

  it('meets the gate when the table routes it (letter case, one trailing slash, absolute-form target)', async () => {
    for (const { path, method } of gated) {
      for (const target of [path, ...routed(path), `${t.url}${path}`, `${t.url}${path.toUpperCase()}/`]) {
        const res = await rawRequest(t.url, method, target, { ...basic('svc', secret), 'X-Forwarded-For': DENIED, 'Content-Type': 'application/x-www-form-urlencoded' }, method === 'POST' ? form : '');
        expect([method, target, res.status]).toEqual([method, target, 403]);
      }
    }
  });

  it('reaches nothing when the table does not route it (percent-encoding, doubled slashes, dot segments, parameters)', async () => {
    for (const { path, method } of gated) {
      for (const target of unrouted(path)) {
        const res = await rawRequest(t.url, method, target, { ...basic('svc', secret), 'Content-Type': 'application/x-www-form-urlencoded' }, method === 'POST' ? form : '');
        expect([method, target, res.status]).toEqual([method, target, 404]);
      }
    }
  });

  it('serves a routed spelling like the registered one, through the same gate', async () => {
    const grant = new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' });
    const res = await post(`${t.url}/TOKEN/`, grant, basic('svc', secret));
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-policy')).toContain('"token-ip"');
    const introspected = await post(`${t.url}/Introspect`, new URLSearchParams({ token: res.json?.access_token as string }), basic('svc', secret));
    expect(introspected.json).toMatchObject({ active: true, client_id: 'svc' });
  });

  it('hands oidc-provider nothing outside the table', async () => {
    for (const path of ['/token/introspection', '/token/revocation', ENDPOINTS.registration, ENDPOINTS.userinfo, ENDPOINTS.device_authorization, '/interaction']) {
      expect([path, (await post(`${t.url}${path}`, form, basic('svc', secret))).status]).toEqual([path, 404]);
    }
    expect(serverErrors(t.logs)).toEqual([]);
  });
});
