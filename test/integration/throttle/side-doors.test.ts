/**
 * The endpoints that authenticate callers outside oidc-provider are throttled like the
 * token endpoints: the event endpoints (/events/poll, /ssf/stream: HTTP Basic with the
 * clients' secrets) count failed authentications towards a lockout of the client, so
 * they are no side door for guessing a secret, /me/data (bearer tokens) has
 * per-address budgets for requests and refused tokens, and sign-out (oidc-provider
 * verifies any id_token_hint's signature there) has a per-address request budget.
 */
import { basic, get, post, type RawResponse } from '../../support/clients.js';
import { leaksInternals, serverErrors, startTestIssuer, type TestIssuer } from '../../support/issuer.js';

const API = 'https://api.doors.test';
const ENV = {
  THROTTLE_EVENTS: 'ip=1000/1m,client=6/1m', THROTTLE_EVENTS_FAILURES: 'off', THROTTLE_LOCKOUT_AFTER: '3', THROTTLE_LOCKOUT_FIRST: '1m',
  THROTTLE_ACCOUNT: 'ip=6/1m', THROTTLE_ACCOUNT_FAILURES: 'ip=3/1m',
  THROTTLE_LOGOUT: 'ip=4/1m',
};
const seen: RawResponse[] = [];
let t: TestIssuer;
const secrets: Record<string, string> = {};
const wrong = 'w'.repeat(43);

async function poll(id: string, secret: string): Promise<RawResponse> {
  const res = await post(`${t.url}/events/poll`, JSON.stringify({ returnImmediately: true }), { ...basic(id, secret), 'content-type': 'application/json' });
  seen.push(res);
  return res;
}
async function track(res: Promise<RawResponse>): Promise<RawResponse> {
  const r = await res;
  seen.push(r);
  return r;
}

beforeAll(async () => {
  t = await startTestIssuer(ENV);
  await t.addResource({ audience: API, scopes: ['read'] });
  for (const id of ['guessed', 'other', 'streamer']) secrets[id] = await t.addClient({ id, scopes: ['read'], audiences: [API] });
});

describe('event endpoints', () => {
  it('wrong secrets at /events/poll lock the client there: then even its right secret gets 429', async () => {
    // with the right secret and no lockout, authentication passes (403: no poll receiver registered)
    expect((await poll('other', secrets.other)).status).toBe(403);
    for (let i = 0; i < 3; i++) {
      const res = await poll('guessed', wrong);
      expect(res.status).toBe(401);
      expect(res.json?.error).toBe('invalid_client');
    }
    const locked = await poll('guessed', secrets.guessed);
    expect(locked.status).toBe(429);
    expect(locked.json).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/^too many requests, retry after \d+ seconds$/) });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // another client is not affected
    expect((await poll('other', secrets.other)).status).toBe(403);
  });

  it('/ssf/stream answers carry RateLimit fields and refuse over the client budget', async () => {
    const first = await track(get(`${t.url}/ssf/stream`, basic('streamer', secrets.streamer)));
    expect(first.status).toBeLessThan(500);
    expect(first.status).not.toBe(401);
    expect(first.headers.get('ratelimit-policy')).toBe('"events-ip";q=1000;w=60, "events-client";q=6;w=60');
    for (let i = 0; i < 5; i++) await track(get(`${t.url}/ssf/stream`, basic('streamer', secrets.streamer)));
    const over = await track(get(`${t.url}/ssf/stream`, basic('streamer', secrets.streamer)));
    expect(over.status).toBe(429);
    expect(over.json?.error).toBe('invalid_request');
  });
});

describe('/me/data', () => {
  it('refused tokens count per address: after the failure budget the next request gets 429', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await track(get(`${t.url}/me/data`, { authorization: `Bearer not.a.token${i}` }));
      expect(res.status).toBe(401);
      expect(res.json?.error).toBe('invalid_token');
      expect(res.headers.get('ratelimit-policy')).toBe('"account-ip";q=6;w=60');
    }
    const over = await track(get(`${t.url}/me/data`, { authorization: 'Bearer not.a.token' }));
    expect(over.status).toBe(429);
    expect(over.json?.error).toBe('invalid_request');
    const erase = await track(fetch(`${t.url}/me/data`, { method: 'DELETE', headers: { authorization: 'Bearer x.y.z' } }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() })));
    expect(erase.status).toBe(429);
  });
});

describe('sign-out', () => {
  it('forged id_token_hints are refused, and count per address with every spelling of the path: then 429', async () => {
    const forged = `${Buffer.from('{"alg":"ES256","kid":"x"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: t.url, sub: 'a', aud: 'other', iat: 1, exp: 4e9 })).toString('base64url')}.${'A'.repeat(86)}`;
    const hint = `id_token_hint=${forged}`;
    const answers = [
      await track(get(`${t.url}/session/end?${hint}`)),
      await track(get(`${t.url}/SESSION/END/?${hint}`)),
      await track(get(`${t.url}/Session/End?${hint}`)),
      await track(post(`${t.url}/session/end/confirm`, new URLSearchParams({ xsrf: 'x', logout: 'yes' }))),
    ];
    // a hint for a registered client: oidc-provider checks its signature, and refuses it; a confirmation without a pending sign-out is refused too
    expect(answers.map((r) => [r.status, r.json?.error])).toEqual([[400, 'invalid_request'], [400, 'invalid_request'], [400, 'invalid_request'], [400, 'invalid_request']]);
    expect(answers[0].headers.get('ratelimit-policy')).toBe('"logout-ip";q=4;w=60');
    const over = await track(get(`${t.url}/session/end/?${hint}`));
    expect(over.status).toBe(429);
    expect(over.json?.error).toBe('invalid_request');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // the budget is sign-out's own: the token endpoint still answers
    const token = await track(post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }), basic('other', secrets.other)));
    expect(token.status).toBe(200);
  });
});

afterAll(async () => {
  try {
    expect(seen.length).toBeGreaterThan(0);
    for (const res of seen) {
      expect(res.status).toBeLessThan(500);
      expect(leaksInternals(res.text)).toBe(false);
    }
    expect(serverErrors(t.logs)).toEqual([]);
  } finally {
    await t?.close();
  }
});

describe('pushed authorization requests (RFC 9126, /request)', () => {
  const par = (id: string, secret: string) => track(post(`${t.url}/request`, new URLSearchParams({ response_type: 'code', client_id: id, redirect_uri: 'https://app.example/cb', scope: 'openid' }), basic(id, secret)));

  it('counts wrong secrets at /request towards the client lockout of the token endpoint', async () => {
    secrets.pushed = await t.addClient({ id: 'pushed', scopes: ['read'], audiences: [API] });
    for (let i = 0; i < 3; i++) expect((await par('pushed', wrong)).status).toBe(401);
    const locked = await track(post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }), basic('pushed', secrets.pushed)));
    expect(locked.status).toBe(429);
    expect((await par('pushed', secrets.pushed)).status).toBe(429);
  });
});
