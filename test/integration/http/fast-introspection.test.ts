/**
 * The introspection fast path (src/http/fast-introspection.ts) may only answer where
 * oidc-provider would answer exactly the same. Each case asks the same question twice:
 * once in the fast path's shape (client_secret_basic, token only) and once in a shape it
 * hands to oidc-provider (the secret in the body), and compares status, headers and
 * body. The path label of the introspection metric shows who answered.
 */
import * as client from 'openid-client';
import { startTestIssuer, serverErrors, type TestIssuer } from '../../support/issuer.js';
import { basic, discover, get, post, type RawResponse } from '../../support/clients.js';

const API = 'https://api.fast.test';
let t: TestIssuer;
const secrets: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestIssuer();
  await t.addResource({ audience: API, scopes: ['read', 'write'], introspector: 'rs' });
  secrets.svc = await t.addClient({ id: 'svc', scopes: ['read', 'write'], audiences: [API] });
  secrets.rs = await t.addClient({ id: 'rs', scopes: [], audiences: [] });
  secrets.other = await t.addClient({ id: 'other', scopes: ['read'], audiences: [API] });
});
afterAll(async () => { await t?.close(); });

async function issue(scope = 'read write'): Promise<string> {
  const config = await discover(t.url, 'svc', secrets.svc);
  return (await client.clientCredentialsGrant(config, { resource: API, scope })).access_token;
}

async function paths(): Promise<Record<string, number>> {
  const text = (await get(`${t.url}/metrics`)).text;
  const counts: Record<string, number> = { fast: 0, provider: 0 };
  for (const line of text.split('\n')) {
    const m = /^portcullis_introspections_total\{.*path="(\w+)".*\} (\d+)$/.exec(line);
    if (m) counts[m[1]] += Number(m[2]);
  }
  return counts;
}

/** Asks via the fast path's shape and via oidc-provider; returns both answers and who answered the first. */
async function both(token: string, as: string, extra: Record<string, string> = {}) {
  const before = await paths();
  const fast = await post(`${t.url}/introspect`, new URLSearchParams({ token, ...extra }), basic(as, secrets[as]));
  const middle = await paths();
  const slow = await post(`${t.url}/introspect`, new URLSearchParams({ token, ...extra, client_id: as, client_secret: secrets[as] }));
  const after = await paths();
  return {
    fast, slow,
    fastAnsweredFirst: middle.fast - before.fast === 1,
    providerAnsweredSecond: after.provider - middle.provider === 1,
  };
}

function same(a: RawResponse, b: RawResponse): void {
  expect(a.status).toBe(b.status);
  expect(a.json).toEqual(b.json);
  expect(Object.keys(a.json ?? {})).toEqual(Object.keys(b.json ?? {}));
  for (const h of ['content-type', 'cache-control', 'pragma', 'www-authenticate']) expect(a.headers.get(h)).toBe(b.headers.get(h));
}

describe('introspection fast path', () => {
  it('answers an active token exactly as oidc-provider does, to its own client', async () => {
    const r = await both(await issue(), 'svc');
    expect(r.fast.json).toMatchObject({ active: true, client_id: 'svc', sub: 'svc', scope: 'read write', token_type: 'Bearer' });
    same(r.fast, r.slow);
    expect(r.fastAnsweredFirst).toBe(true);
    expect(r.providerAnsweredSecond).toBe(true);
  });

  it("answers the audience's introspector the same way", async () => {
    const r = await both(await issue('read'), 'rs');
    expect(r.fast.json).toMatchObject({ active: true, scope: 'read' });
    same(r.fast, r.slow);
    expect(r.fastAnsweredFirst).toBe(true);
  });

  it('says {active:false} to an unrelated client, like oidc-provider', async () => {
    const r = await both(await issue(), 'other');
    expect(r.fast.json).toEqual({ active: false });
    same(r.fast, r.slow);
  });

  it('says {active:false} for forged, tampered and revoked tokens, like oidc-provider', async () => {
    const token = await issue();
    for (const bad of ['a.b.c', token.slice(0, -4) + 'AAAA', `${token}x`]) {
      const r = await both(bad, 'svc');
      expect(r.fast.json).toEqual({ active: false });
      same(r.fast, r.slow);
    }
    const revoke = await post(`${t.url}/revoke`, new URLSearchParams({ token }), basic('svc', secrets.svc));
    expect(revoke.status).toBe(200);
    const r = await both(token, 'svc');
    expect(r.fast.json).toEqual({ active: false });
    same(r.fast, r.slow);
  });

  it('sees a subject revocation at once (revocation state is checked on every answer)', async () => {
    const token = await issue();
    expect((await both(token, 'svc')).fast.json).toMatchObject({ active: true });
    await t.issuer.tokens.revokeSubject('svc');
    const r = await both(token, 'svc');
    expect(r.fast.json).toEqual({ active: false });
    same(r.fast, r.slow);
  });

  it('hands a wrong secret to oidc-provider, which answers 401 invalid_client', async () => {
    const token = await issue();
    const before = await paths();
    const res = await post(`${t.url}/introspect`, new URLSearchParams({ token }), basic('svc', 'x'.repeat(40)));
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: 'invalid_client' });
    expect((await paths()).fast).toBe(before.fast);
  });

  it.each([
    ['a refresh_token hint', { token_type_hint: 'refresh_token' }, {}],
    ['an unknown parameter', { foo: 'bar' }, {}],
    ['a JWT response (RFC 9701)', {}, { accept: 'application/token-introspection+jwt' }],
  ])('hands %s to oidc-provider', async (_name, extra: Record<string, string>, headers: Record<string, string>) => {
    const token = await issue();
    const before = await paths();
    const res = await post(`${t.url}/introspect`, new URLSearchParams({ token, ...extra }), { ...basic('svc', secrets.svc), ...headers });
    expect(res.status).toBe(200);
    const after = await paths();
    expect(after.fast).toBe(before.fast);
    expect(after.provider).toBe(before.provider + 1);
  });

  it('leaves duplicated parameters to oidc-provider, which refuses them', async () => {
    const token = await issue();
    const res = await post(`${t.url}/introspect`, `token=${token}&token=${token}`, basic('svc', secrets.svc));
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'invalid_request' });
    expect(serverErrors(t.logs)).toEqual([]);
  });

  it('shields a token whose parameter name is percent-encoded, like any other', async () => {
    const token = await issue();
    const raw = await post(`${t.url}/introspect`, `tok%65n=${token}`, basic('svc', secrets.svc));
    expect(raw.status).toBe(200);
    expect(raw.json).toMatchObject({ active: true, client_id: 'svc' });
    const slow = await post(`${t.url}/introspect`, `tok%65n=${token}&client_id=svc&client_secret=${secrets.svc}`);
    expect(slow.json).toEqual(raw.json);
  });

  it('answers a lowercase Basic scheme as oidc-provider does, and leaves headers it refuses to it', async () => {
    const token = await issue();
    const encoded = Buffer.from(`svc:${secrets.svc}`).toString('base64');
    const before = await paths();
    const lower = await post(`${t.url}/introspect`, new URLSearchParams({ token }), { authorization: `basic ${encoded}` });
    expect(lower.json).toMatchObject({ active: true, client_id: 'svc' });
    expect((await paths()).fast).toBe(before.fast + 1);
    // forms oidc-provider refuses (invalid_request); the fast path must not answer them
    const bare = encoded.replace(/=+$/, '');
    const lone = bare + 'A'.repeat((5 - (bare.length % 4)) % 4); // one character past a whole quantum
    const refused = [`Basic  ${encoded}`, `Basic ${lone}`, `Basic ${bare}A===`];
    for (const authorization of refused) {
      const middle = await paths();
      const res = await post(`${t.url}/introspect`, new URLSearchParams({ token }), { authorization });
      expect([authorization, res.status, res.json?.error]).toEqual([authorization, 400, 'invalid_request']);
      expect((await paths()).fast).toBe(middle.fast);
    }
  });

  it('repeats a cached caller verification only for the exact credentials that passed', async () => {
    const token = await issue();
    expect((await post(`${t.url}/introspect`, new URLSearchParams({ token }), basic('svc', secrets.svc))).json).toMatchObject({ active: true });
    const wrong = await post(`${t.url}/introspect`, new URLSearchParams({ token }), basic('svc', `${secrets.svc.slice(0, -1)}x`));
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ error: 'invalid_client' });
  });
});
