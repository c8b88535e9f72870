/**
 * oidc-provider's userinfo endpoint is switched off. Every Portcullis access token is
 * bound to an audience, which userinfo refuses, so the endpoint could only ever refuse.
 * While it was on, it opened each presented token (signature check and decryption) for
 * unauthenticated callers, outside the throttle and risk gates. It must not be advertised,
 * and /me must not be a route in any letter case, for GET or POST.
 */
import { basic, get, post, type RawResponse } from '../../support/clients.js';
import { leaksInternals, startTestIssuer, type TestIssuer } from '../../support/issuer.js';

const API = 'https://api.userinfo.test';
let t: TestIssuer;
let token: string;

beforeAll(async () => {
  t = await startTestIssuer();
  await t.addResource({ audience: API, scopes: ['read'] });
  const secret = await t.addClient({ id: 'svc', scopes: ['read'], audiences: [API] });
  const issued = await post(`${t.url}/token`, 'grant_type=client_credentials&scope=read', basic('svc', secret));
  expect(issued.status).toBe(200);
  token = String(issued.json?.access_token);
});

afterAll(async () => { await t?.close(); });

/** The same answer as a path that never existed, and no sign that a token was looked at. */
async function expectNoRoute(res: RawResponse): Promise<void> {
  const never = await get(`${t.url}/never-a-route`);
  expect(never.status).toBe(404);
  expect(res.status).toBe(404);
  expect(res.text).toBe(never.text);
  expect(res.headers.get('www-authenticate')).toBeNull();
  expect(leaksInternals(res.text)).toBe(false);
}

describe('userinfo', () => {
  it('is not in the discovery documents', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const meta = await get(t.url + path);
      expect(meta.status).toBe(200);
      expect(meta.json).not.toHaveProperty('userinfo_endpoint');
      expect(meta.json?.token_endpoint).toBe(`${t.url}/token`);
    }
  });

  it.each(['/me', '/ME', '/Me'])('%s is no route for GET or POST, with a live token, a tampered one or none', async (path) => {
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const bearer of [token, tampered, undefined]) {
      const headers: Record<string, string> = bearer ? { authorization: `Bearer ${bearer}` } : {};
      await expectNoRoute(await get(t.url + path, headers));
      await expectNoRoute(await post(t.url + path, bearer ? '' : `access_token=${token}`, headers));
    }
  });

  it('leaves the account endpoint /me/data in place (it answers 401 without a token, not 404)', async () => {
    const res = await get(`${t.url}/me/data`);
    expect(res.status).toBe(401);
    expect(res.json?.error).toBe('invalid_token');
  });
});
