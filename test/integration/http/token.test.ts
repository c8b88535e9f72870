/**
 * Discovery, client_credentials issuance and /token errors over real HTTP, with
 * openid-client as the client (ClientSecretBasic and ClientSecretPost).
 */
import * as client from 'openid-client';
import { compactVerify, createRemoteJWKSet } from 'jose';
import { startTestIssuer, leaksInternals, serverErrors, type TestIssuer } from '../../support/issuer.js';
import { basic, discover, get, headersOf, post, type AuthMethod, type RawResponse } from '../../support/clients.js';

const API = 'https://api.token.test';
const OTHER = 'https://other.token.test';
let t: TestIssuer;
let secret: string;
const bodies: RawResponse[] = [];

beforeAll(async () => {
  t = await startTestIssuer();
  await t.addResource({ audience: API, scopes: ['read', 'write', 'admin'], ttl: 300 });
  await t.addResource({ audience: OTHER, scopes: ['read'] });
  secret = await t.addClient({ id: 'svc', scopes: ['read', 'write'], audiences: [API] });
});

afterAll(async () => { await t?.close(); });

const tokenUrl = () => `${t.url}/token`;
async function tokenRequest(body: string | URLSearchParams, headers: Record<string, string> = basic('svc', secret)): Promise<RawResponse> {
  const res = await post(tokenUrl(), body, headers);
  bodies.push(res);
  return res;
}

describe('discovery', () => {
  it.each(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])('%s lists our endpoints', async (path) => {
    const res = await get(t.url + path);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      issuer: t.url,
      token_endpoint: `${t.url}/token`,
      introspection_endpoint: `${t.url}/introspect`,
      revocation_endpoint: `${t.url}/revoke`,
      jwks_uri: `${t.url}/jwks`,
    });
  });

  it('advertises only the client authentication methods a client can be registered with', async () => {
    const res = await get(t.url + '/.well-known/openid-configuration');
    const methods = (res.json as { token_endpoint_auth_methods_supported: string[] }).token_endpoint_auth_methods_supported;
    expect([...methods].sort()).toEqual(['client_secret_basic', 'client_secret_post', 'none', 'self_signed_tls_client_auth', 'tls_client_auth']);
  });

  it('openid-client discovers the issuer (plain HTTP allowed explicitly)', async () => {
    const config = await discover(t.url, 'svc', secret);
    expect(config.serverMetadata().issuer).toBe(t.url);
    expect(config.serverMetadata().token_endpoint).toBe(`${t.url}/token`);
  });

  it('openid-client refuses the http:// issuer without allowInsecureRequests', async () => {
    await expect(client.discovery(new URL(t.url), 'svc', undefined, client.ClientSecretBasic(secret))).rejects.toThrow();
  });
});

describe.each<AuthMethod>(['client_secret_basic', 'client_secret_post'])('client_credentials with %s', (method) => {
  let config: client.Configuration;
  beforeAll(async () => { config = await discover(t.url, 'svc', secret, method); });

  it('issues a Bearer token with expires_in and the granted scope', async () => {
    const res = await client.clientCredentialsGrant(config, { scope: 'read', resource: API });
    expect(res.token_type.toLowerCase()).toBe('bearer');
    expect(res.expires_in).toBeGreaterThan(290);
    expect(res.expires_in).toBeLessThanOrEqual(300);
    expect(res.scope).toBe('read');
    expect(res.access_token.split('.')).toHaveLength(3);
  });

  it('grants no scope when none is asked, and uses the client\'s only audience by default', async () => {
    const res = await client.clientCredentialsGrant(config, {});
    expect(res.scope).toBeUndefined();
    const opened = await t.issuer.tokens.open(res.access_token);
    expect(opened?.claims).toMatchObject({ aud: API, sub: 'svc', client_id: 'svc' });
    expect(opened?.claims.scope).toBeUndefined();
  });

  it('issues a nested token: ES256 JWS (portcullis-at+jwt) over a dir/A256GCM JWE, no subject in any header', async () => {
    const { access_token: token } = await client.clientCredentialsGrant(config, { scope: 'read write', resource: API });
    const { outer, inner, jwe } = headersOf(token);
    expect(outer).toEqual({ alg: 'ES256', kid: expect.any(String), typ: 'portcullis-at+jwt', cty: 'JWT' });
    expect(jwe.split('.')).toHaveLength(5);
    expect(inner).toMatchObject({ alg: 'dir', enc: 'A256GCM', typ: 'at+jwt', aud: API, iss: t.url });
    for (const header of [outer, inner]) {
      expect(header).not.toHaveProperty('sub');
      expect(JSON.stringify(header)).not.toContain('"svc"');
    }
    const jwks = (await get(config.serverMetadata().jwks_uri!)).json as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toContain(outer.kid);
    const verified = await compactVerify(token, createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!)));
    expect(new TextDecoder().decode(verified.payload)).toBe(jwe);
  });
});

describe('raw token response', () => {
  it('is RFC 6749 §5.1 JSON with token_type Bearer and no-store', async () => {
    const res = await tokenRequest(new URLSearchParams({ grant_type: 'client_credentials', scope: 'write', resource: API }));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number), scope: 'write', access_token: expect.any(String) });
    expect(res.headers.get('cache-control')).toContain('no-store');
  });
});

describe('/token errors', () => {
  const form = (extra: Record<string, string> = {}) => new URLSearchParams({ grant_type: 'client_credentials', resource: API, ...extra });

  it('answers a wrong secret and an unknown client alike: 401 invalid_client', async () => {
    const wrong = await tokenRequest(form(), basic('svc', 'x'.repeat(43)));
    const unknown = await tokenRequest(form(), basic('nobody', 'x'.repeat(43)));
    const wrongPost = await tokenRequest(form({ client_id: 'svc', client_secret: 'y'.repeat(43) }), {});
    for (const res of [wrong, unknown, wrongPost]) {
      expect(res.status).toBe(401);
      expect(res.json?.error).toBe('invalid_client');
    }
    expect(unknown.text).toBe(wrong.text);
    expect(wrongPost.text).toBe(wrong.text);
  });

  it('refuses an unknown resource and one the client is not registered for: 400 invalid_target', async () => {
    for (const resource of ['https://unknown.token.test', OTHER]) {
      const res = await tokenRequest(form({ resource }));
      expect(res.status).toBe(400);
      expect(res.json?.error).toBe('invalid_target');
    }
  });

  it('refuses a scope the client may not ask for: 400 invalid_scope', async () => {
    for (const scope of ['admin', 'read admin', 'nonexistent']) {
      const res = await tokenRequest(form({ scope }));
      expect(res.status).toBe(400);
      expect(res.json?.error).toBe('invalid_scope');
    }
  });

  it('refuses a missing grant_type: 400 invalid_request', async () => {
    const res = await tokenRequest(new URLSearchParams({ resource: API }));
    expect(res.status).toBe(400);
    expect(res.json?.error).toBe('invalid_request');
  });

  it('refuses an unsupported grant type with 400', async () => {
    const res = await tokenRequest(new URLSearchParams({ grant_type: 'password', username: 'a', password: 'b' }));
    expect(res.status).toBe(400);
    expect(res.json?.error).toBe('unsupported_grant_type');
  });

  it('refuses a 100 KB body: 400 invalid_request', async () => {
    const res = await tokenRequest(form({ scope: 'read', padding: 'a'.repeat(100 * 1024) }));
    expect(res.status).toBe(400);
    expect(res.json?.error).toBe('invalid_request');
  });

  it.each([
    ['application/json', JSON.stringify({ grant_type: 'client_credentials', resource: API })],
    ['text/plain', 'grant_type=client_credentials'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n--x--\r\n'],
  ])('refuses content-type %s with 400', async (type, body) => {
    const res = await tokenRequest(body, { ...basic('svc', secret), 'content-type': type });
    expect(res.status).toBe(400);
    expect(res.json?.error).toBe('invalid_request');
  });

  it('answers GET /token without a server error', async () => {
    const res = await get(tokenUrl());
    bodies.push(res);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('never leaks a stack trace or a source path, and logs no server error', () => {
    expect(bodies.length).toBeGreaterThan(10);
    for (const res of bodies) {
      expect(res.status).toBeLessThan(500);
      expect(leaksInternals(res.text)).toBe(false);
    }
    expect(serverErrors(t.logs)).toEqual([]);
  });
});

describe('health and metrics', () => {
  it('answers /healthz and /readyz with 200', async () => {
    expect((await get(`${t.url}/healthz`)).status).toBe(200);
    expect((await get(`${t.url}/readyz`)).status).toBe(200);
  });

  it('counts issued tokens in /metrics', async () => {
    const issued = async () => {
      const text = (await get(`${t.url}/metrics`)).text;
      const m = /^portcullis_tokens_issued_total\{kind="ClientCredentials"\} (\d+)$/m.exec(text);
      return m ? Number(m[1]) : 0;
    };
    const before = await issued();
    const config = await discover(t.url, 'svc', secret);
    await client.clientCredentialsGrant(config, { resource: API });
    await client.clientCredentialsGrant(config, { resource: API });
    expect(await issued()).toBe(before + 2);
  });
});
