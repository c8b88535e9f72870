/**
 * Throttling over real HTTP on embedded issuers (memory limiter): 429 with Retry-After
 * and RateLimit fields and an OAuth body, failure budgets that lift after their
 * window, growing lockouts that treat unknown clients and wrong secrets alike, the
 * introspection failure budget (RFC 7662 §4), and X-Forwarded-For believed only from
 * a trusted proxy. Windows are seconds long, set by env, so waits stay short.
 */
import * as client from 'openid-client';
import { basic, discover, get, post, type RawResponse } from '../../support/clients.js';
import { leaksInternals, serverErrors, startTestIssuer, type TestIssuer } from '../../support/issuer.js';
import { testClock } from '../../support/clock.js';

const API = 'https://api.throttle.test';
const CC = new URLSearchParams({ grant_type: 'client_credentials' });
const seen: RawResponse[] = [];

// a: small client budget (8 per 3s: the lockout test stays under it), lockouts after 3 (1s, doubling to 2s), introspection failures 3/min, /revoke 3/min per IP
const A_ENV = {
  THROTTLE_TOKEN: 'ip=1000/1m,client=8/3s', THROTTLE_TOKEN_FAILURES: 'off', THROTTLE_LOCKOUT_AFTER: '3', THROTTLE_LOCKOUT_FIRST: '1s', THROTTLE_LOCKOUT_MAX: '2s',
  THROTTLE_INTROSPECT_FAILURES: 'client=3/1m', THROTTLE_REVOKE: 'ip=3/1m',
};
// b: a failure budget and no lockouts; 127.0.0.1 is a trusted proxy
const B_ENV = { THROTTLE_TOKEN_FAILURES: 'client=3/2s', THROTTLE_LOCKOUT_AFTER: '0', THROTTLE_REVOKE: 'ip=3/1m', TRUSTED_PROXIES: '127.0.0.1' };

// the issuers' clocks (their throttle windows and lockouts) move only when a test moves them
const [clockA, clockB] = [testClock(), testClock()];
let a: TestIssuer;
let b: TestIssuer;
const secrets: Record<string, string> = {};

async function client_(t: TestIssuer, id: string): Promise<void> {
  secrets[`${t.url} ${id}`] = await t.addClient({ id, scopes: ['read'], audiences: [API] });
}
const secretOf = (t: TestIssuer, id: string) => secrets[`${t.url} ${id}`];

async function send(t: TestIssuer, path: string, body: URLSearchParams, headers: Record<string, string>): Promise<RawResponse> {
  const res = await post(`${t.url}${path}`, body, headers);
  seen.push(res);
  return res;
}
const token = (t: TestIssuer, id: string, secret = secretOf(t, id), extra: Record<string, string> = {}) => send(t, '/token', CC, { ...basic(id, secret), ...extra });
const wrong = 'w'.repeat(43);

beforeAll(async () => {
  [a, b] = await Promise.all([startTestIssuer(A_ENV, { now: clockA.now }), startTestIssuer(B_ENV, { now: clockB.now })]);
  for (const t of [a, b]) await t.addResource({ audience: API, scopes: ['read'] });
  for (const id of ['budget', 'locky', 'known', 'rs', 'patient', 'rev', 'forgiven']) await client_(a, id);
  for (const id of ['patient', 'rev']) await client_(b, id);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
});

describe('429 responses', () => {
  it('a successful answer carries RateLimit-Policy and RateLimit', async () => {
    const res = await token(a, 'budget');
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-policy')).toBe('"token-ip";q=1000;w=60, "token-client";q=8;w=3');
    expect(res.headers.get('ratelimit')).toMatch(/^"token-ip";r=\d+;t=\d+, "token-client";r=7;t=[1-3]$/);
  });

  it('over the client budget: 429 invalid_request with Retry-After, RateLimit fields and no-store', async () => {
    for (let i = 0; i < 7; i++) expect((await token(a, 'budget')).status).toBe(200);
    const res = await token(a, 'budget');
    expect(res.status).toBe(429);
    expect(res.json).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/^too many requests, retry after \d seconds$/) });
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('ratelimit-policy')).toContain('"token-client";q=8;w=3');
    expect(res.headers.get('ratelimit')).toContain(`"token-client";r=0;t=${retryAfter}`);
  });

  it('openid-client sees the 429 as an OAuth error', async () => {
    const config = await discover(a.url, 'budget', secretOf(a, 'budget'));
    const err = await client.clientCredentialsGrant(config, { resource: API }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(client.ResponseBodyError);
    expect((err as client.ResponseBodyError).status).toBe(429);
    expect((err as client.ResponseBodyError).error).toBe('invalid_request');
  });

  it('the limited request is counted in /metrics', async () => {
    const metrics = await get(`${a.url}/metrics`);
    expect(metrics.text).toMatch(/portcullis_throttled_total\{endpoint="token",key="client",reason="requests"\} [1-9]/);
  });
});

describe('brute force on client secrets', () => {
  it('three wrong secrets lock the client, even with the right secret, then it gets through; repeat lockouts grow', async () => {
    for (let i = 0; i < 3; i++) expect((await token(a, 'locky', wrong)).status).toBe(401);
    const locked = await token(a, 'locky');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('1');
    expect(locked.headers.get('ratelimit')).toContain('"token-client-lockout";r=0;t=1');
    const line = a.logs.find((r) => r.msg === 'throttle.lockout');
    expect(line).toMatchObject({ event: 'throttle.lockout', kind: 'token', key: 'client', client: 'locky', net: '127.0.0.0/24', seconds: 1, level: 1 });
    expect(JSON.stringify(line)).not.toContain('127.0.0.1'); // no raw address in a log line (docs/privacy.md)
    expect(JSON.stringify(a.logs)).not.toContain(secretOf(a, 'locky'));
    clockA.advance(999);
    expect((await token(a, 'locky')).status).toBe(429); // not a moment before the second is over
    clockA.advance(1);
    for (let i = 0; i < 3; i++) expect((await token(a, 'locky', wrong)).status).toBe(401);
    const again = await token(a, 'locky');
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('2');
    clockA.advance(2000);
    expect((await token(a, 'locky')).status).toBe(200);
    expect((await get(`${a.url}/metrics`)).text).toMatch(/portcullis_lockouts_total\{endpoint="token",key="client"\} 2/);
  });

  it('a success in between restarts the count: failures must be consecutive to lock', async () => {
    const statuses = [];
    for (const secret of [wrong, wrong, secretOf(a, 'forgiven'), wrong, wrong, secretOf(a, 'forgiven')]) statuses.push((await token(a, 'forgiven', secret)).status);
    expect(statuses).toEqual([401, 401, 200, 401, 401, 200]);
  });

  it('an unknown client and a wrong secret look the same: status, body, headers, and the lockout', async () => {
    const unknown = await token(a, 'no-such-client', wrong);
    const bad = await token(a, 'known', wrong);
    expect(unknown.status).toBe(401);
    expect(bad.status).toBe(unknown.status);
    expect(bad.json).toEqual(unknown.json);
    expect(unknown.json).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
    for (const name of ['www-authenticate', 'content-type', 'cache-control', 'ratelimit-policy']) expect(bad.headers.get(name)).toBe(unknown.headers.get(name));
    for (let i = 0; i < 2; i++) {
      await token(a, 'no-such-client', wrong);
      await token(a, 'known', wrong);
    }
    const [u, k] = [await token(a, 'no-such-client', wrong), await token(a, 'known', wrong)];
    expect([u.status, k.status]).toEqual([429, 429]);
    expect(k.json).toEqual(u.json);
    expect(k.headers.get('retry-after')).toBe(u.headers.get('retry-after'));
  });
});

describe('failure budgets', () => {
  it('a client that spent its failure budget gets through once the window ends', async () => {
    for (let i = 0; i < 3; i++) expect((await token(b, 'patient', wrong)).status).toBe(401);
    const refused = await token(b, 'patient');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit')).toContain('"token-client-failures";r=0');
    clockB.advance(Number(refused.headers.get('retry-after')) * 1000);
    expect((await token(b, 'patient')).status).toBe(200);
  });

  it('inactive tokens at /introspect spend the introspection failure budget (RFC 7662 §4)', async () => {
    const introspect = () => send(a, '/introspect', new URLSearchParams({ token: `forged-${Math.random()}` }), basic('rs', secretOf(a, 'rs')));
    for (let i = 0; i < 3; i++) expect((await introspect()).json).toEqual({ active: false });
    const res = await introspect();
    expect(res.status).toBe(429);
    expect(res.json?.error).toBe('invalid_request');
  });
});

describe('client address', () => {
  const revoke = (t: TestIssuer, forwardedFor: string) =>
    send(t, '/revoke', new URLSearchParams({ token: 'x' }), { ...basic('rev', secretOf(t, 'rev')), 'x-forwarded-for': forwardedFor });

  it('a spoofed X-Forwarded-For does not change the bucket', async () => {
    const answers = [];
    for (let i = 1; i <= 5; i++) answers.push(await revoke(a, `198.51.100.${i}`));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers[3].headers.get('ratelimit')).toBe(`"revoke-ip";r=0;t=${answers[3].headers.get('retry-after')}`);
  });

  it('behind a trusted proxy, X-Forwarded-For names the bucket', async () => {
    for (let i = 1; i <= 5; i++) expect((await revoke(b, `198.51.100.${i}`)).status).toBe(200);
    const same = [];
    for (let i = 0; i < 4; i++) same.push((await revoke(b, '203.0.113.7')).status);
    expect(same).toEqual([200, 200, 200, 429]);
  });
});

it('no 5xx, no stack trace, no server error logged', () => {
  expect(seen.length).toBeGreaterThan(30);
  for (const res of seen) {
    expect(res.status).toBeLessThan(500);
    expect(leaksInternals(res.text)).toBe(false);
  }
  expect(serverErrors(a.logs)).toEqual([]);
  expect(serverErrors(b.logs)).toEqual([]);
});
