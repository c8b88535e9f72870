/**
 * The authorization code flow with PKCE for people, end to end over HTTP with
 * openid-client as the client: sign-in, tokens sealed per user, acr/amr/auth_time,
 * refresh rotation and reuse detection, code replay, TOTP step-up, max_age, logout
 * and per-user revocation.
 */
import { jest } from '@jest/globals';
import * as client from 'openid-client';
import { TOTP, URI } from 'otpauth';
import { userCommands } from '../../../scripts/admin/users.js';
import type { AdminContext } from '../../../scripts/admin/context.js';
import { deploymentSecret } from '../../../src/keys/index.js';
import { ACR_MFA, ACR_PASSWORD } from '../../../src/users/index.js';
import { serverErrors } from '../../support/issuer.js';
import { testClock } from '../../support/clock.js';
import { Browser, hidden, signIn, tokensFor, type SignIn } from './browser.js';
import { API, LOGGED_OUT, REDIRECT, startUsersWorld, type UsersWorld } from './setup.js';

const clock = testClock({ running: true });
let w: UsersWorld;
let aliceId: string;
let bobId: string;
const totps = new Map<string, TOTP>();
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  w = await startUsersWorld({}, { now: clock.now });
  aliceId = (await w.users.add({ username: 'alice', password: PASSWORD, permissions: ['orders:read'] })).id;
  for (const name of ['bob', 'dave']) {
    await w.users.add({ username: name, password: PASSWORD });
    totps.set(name, URI.parse((await w.users.enrolTotp(name))!) as TOTP);
  }
  await w.users.add({ username: 'carol', password: PASSWORD });
  await w.users.add({ username: 'frank', password: PASSWORD });
});
afterAll(async () => { await w?.t.close(); });

const alice = (over: Partial<SignIn> = {}): SignIn => ({ config: w.web, redirectUri: REDIRECT, username: 'alice', password: PASSWORD, params: { resource: API }, ...over });
// Each TOTP step accepts one code once per user: every user here signs in with a code once
// (dave's second use is the replay refused on purpose).
async function freshCode(user: string): Promise<string> {
  return totps.get(user)!.generate({ timestamp: clock.now() });
}
const withCode = async (user: string, over: Partial<SignIn> = {}): Promise<SignIn> => { const code = await freshCode(user); return alice({ username: user, code: () => code, ...over }); };
const bob = (over: Partial<SignIn> = {}) => withCode('bob', over);
const active = async (token: string) => (await client.tokenIntrospection(w.web, token)).active;

describe('sign-in with a password', () => {
  it('gives a nested access token for the user, sealed under their subject handle, with acr, amr and auth_time', async () => {
    const { tokens } = await tokensFor(alice());
    const opened = await w.t.issuer.tokens.open(tokens.access_token);
    expect(opened?.claims).toMatchObject({ sub: aliceId, aud: API, client_id: 'web', scope: 'read', acr: ACR_PASSWORD, amr: ['pwd'], auth_time: expect.any(Number) });
    expect(opened?.context.sh).toBe(w.t.issuer.tokens.handleOf(aliceId));
    expect(tokens.claims()).toMatchObject({ sub: aliceId, acr: ACR_PASSWORD, amr: ['pwd'], auth_time: expect.any(Number) });
    expect(await client.tokenIntrospection(w.web, tokens.access_token)).toMatchObject({ active: true, sub: aliceId, acr: ACR_PASSWORD });
  });

  it('works for a public client (no secret, PKCE)', async () => {
    const { tokens } = await tokensFor(alice({ config: w.spa }));
    expect((await w.t.issuer.tokens.open(tokens.access_token))?.claims).toMatchObject({ sub: aliceId, client_id: 'spa' });
  });

  it.each([
    ['a wrong password', 'alice', 'wrong password!'],
    ['an unknown username', 'nobody', PASSWORD],
  ])('answers %s with the same generic message and no redirect', async (_case, username, password) => {
    const r = await signIn(alice({ username, password }));
    expect(r.callback).toBeUndefined();
    const page = r.pages.at(-1)!;
    expect(page.status).toBe(200);
    expect(page.html).toContain('The username or password is incorrect.');
    expect(page.html).toContain('role="alert"');
    expect(page.html).not.toMatch(/unknown|not found|no such user/i);
  });

  it('refuses a disabled user with the same message, and accepts them again once enabled', async () => {
    await w.users.setDisabled('alice', true);
    const refused = await signIn(alice());
    expect(refused.callback).toBeUndefined();
    expect(refused.pages.at(-1)!.html).toContain('The username or password is incorrect.');
    await w.users.setDisabled('alice', false);
    expect((await signIn(alice())).callback).toBeDefined();
  });
});

describe('refresh tokens', () => {
  it('rotate on every use; reusing a used one revokes the whole grant', async () => {
    const { tokens } = await tokensFor(alice());
    const first = tokens.refresh_token!;
    const second = await client.refreshTokenGrant(w.web, first);
    expect(second.refresh_token).toBeDefined();
    expect(second.refresh_token).not.toBe(first);
    expect((await w.t.issuer.tokens.open(second.access_token))?.claims).toMatchObject({ acr: ACR_PASSWORD, amr: ['pwd'] });
    await expect(client.refreshTokenGrant(w.web, first)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(w.web, second.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await active(tokens.access_token)).toBe(false);
    expect(await active(second.access_token)).toBe(false);
  });
});

describe('authorization codes', () => {
  it('a replayed code is refused and the tokens issued from it are revoked', async () => {
    const r = await signIn(alice());
    const tokens = await client.authorizationCodeGrant(w.web, r.callback!, { pkceCodeVerifier: r.verifier, expectedState: r.state });
    expect(await active(tokens.access_token)).toBe(true);
    await expect(client.authorizationCodeGrant(w.web, r.callback!, { pkceCodeVerifier: r.verifier, expectedState: r.state })).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await active(tokens.access_token)).toBe(false);
    await expect(client.refreshTokenGrant(w.web, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('second factor (TOTP) and step-up', () => {
  it('asks an enrolled user for a code after the password and gives the higher level', async () => {
    const { tokens, pages } = await tokensFor(await bob());
    bobId = tokens.claims()!.sub;
    expect(pages.some((p) => p.html.includes('name="code"'))).toBe(true);
    expect((await w.t.issuer.tokens.open(tokens.access_token))?.claims).toMatchObject({ sub: bobId, acr: ACR_MFA, amr: ['pwd', 'otp'] });
    expect(tokens.claims()).toMatchObject({ acr: ACR_MFA, amr: ['pwd', 'otp'] });
  });

  it('refuses a wrong code and a code already used', async () => {
    const used = await freshCode('dave');
    expect((await signIn(alice({ username: 'dave', code: () => used }))).callback).toBeDefined();
    const replay = await signIn(alice({ username: 'dave', code: () => used }));
    expect(replay.callback).toBeUndefined();
    expect(replay.pages.at(-1)!.html).toContain('That code is not valid.');
    const current = totps.get('dave')!.generate({ timestamp: clock.now() });
    const wrong = await signIn(alice({ username: 'dave', code: () => (current === '000000' ? '111111' : '000000') }));
    expect(wrong.callback).toBeUndefined();
    expect(wrong.pages.at(-1)!.html).toContain('That code is not valid.');
  });

  it('acr_values for the higher level makes a password session sign in again with the second factor', async () => {
    // alice has no second factor: asking for the higher level is an error for the client.
    const browser = new Browser();
    expect((await signIn(alice({ browser }))).callback).toBeDefined();
    const again = await signIn(alice({ browser, params: { resource: API, acr_values: ACR_MFA } }));
    expect(again.pages[0].html).toContain('name="password"');
    expect(again.callback?.searchParams.get('error')).toBe('unmet_authentication_requirements');

    // carol signs in with a password, then enrols TOTP; the client asks for the higher level.
    const carolBrowser = new Browser();
    const first = await tokensFor(alice({ browser: carolBrowser, username: 'carol' }));
    expect(first.tokens.claims()).toMatchObject({ acr: ACR_PASSWORD });
    totps.set('carol', URI.parse((await w.users.enrolTotp('carol'))!) as TOTP);
    const stepped = await tokensFor(await withCode('carol', { browser: carolBrowser, params: { resource: API, acr_values: ACR_MFA } }));
    expect(stepped.pages[0].html).toContain('name="password"');
    expect(stepped.pages.some((p) => p.html.includes('name="code"'))).toBe(true);
    expect(stepped.tokens.claims()).toMatchObject({ acr: ACR_MFA, amr: ['pwd', 'otp'] });
    expect((await w.t.issuer.tokens.open(stepped.tokens.access_token))?.claims).toMatchObject({ acr: ACR_MFA });
  });

  it('max_age=0 forces a fresh sign-in even with a live session', async () => {
    const browser = new Browser();
    const first = await tokensFor(alice({ browser }));
    clock.advance(1000); // auth_time has whole seconds: the next sign-in is one second later
    const second = await tokensFor(alice({ browser, params: { resource: API, max_age: '0' } }), { maxAge: 0 });
    expect(second.pages[0].html).toContain('name="password"');
    expect(second.tokens.claims()!.auth_time).toBeGreaterThan(first.tokens.claims()!.auth_time as number);
  });
});

describe('logout', () => {
  it('RP-initiated logout ends the session: its tokens introspect inactive and its refresh token is dead', async () => {
    const { tokens, browser } = await tokensFor(alice());
    expect(await active(tokens.access_token)).toBe(true);
    const url = client.buildEndSessionUrl(w.web, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGGED_OUT, state: 'bye' });
    const page = await browser.request(url.href);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Sign out');
    const done = await browser.request(`${w.t.url}/session/end/confirm`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: hidden(page.html, 'xsrf')!, logout: 'yes' }),
    });
    expect(done.location).toBe(`${LOGGED_OUT}?state=bye`);
    expect(await active(tokens.access_token)).toBe(false);
    await expect(client.refreshTokenGrant(w.web, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // the session is gone: /authorize asks for the password again
    expect((await signIn(alice({ browser, password: 'x' }))).pages[0].html).toContain('name="password"');
  });
});

describe('per-user isolation and revocation', () => {
  it('alice and frank are sealed under different keys; `user revoke alice` leaves frank active', async () => {
    const a = await tokensFor(alice());
    const b = await tokensFor(alice({ username: 'frank' }));
    const [oa, ob] = [await w.t.issuer.tokens.open(a.tokens.access_token), await w.t.issuer.tokens.open(b.tokens.access_token)];
    expect(oa?.context.sh).not.toBe(ob?.context.sh);
    const ctx = { config: w.t.config, db: w.t.issuer.db, kek: w.t.kek, secret: (n: string) => deploymentSecret(w.t.issuer.db, w.t.kek, n), close: async () => {} } as AdminContext;
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try { await userCommands['user revoke'].run(ctx, ['alice']); } finally { write.mockRestore(); }
    expect(await active(a.tokens.access_token)).toBe(false);
    await expect(client.refreshTokenGrant(w.web, a.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await active(b.tokens.access_token)).toBe(true);
    expect((await client.refreshTokenGrant(w.web, b.tokens.refresh_token!)).access_token).toBeDefined();
    // a new sign-in works again and its tokens are live, once issuance no longer remembers
    // the old generation (SUBJECT_CACHE_TTL: until then a new token is born revoked)
    clock.advance(1000);
    expect(await active((await tokensFor(alice())).tokens.access_token)).toBe(true);
  });
});

afterAll(() => {
  expect(serverErrors(w.t.logs)).toEqual([]);
  // passwords and TOTP secrets never reach the logs
  expect(JSON.stringify(w.t.logs)).not.toContain(PASSWORD);
  expect(JSON.stringify(w.t.logs)).not.toContain('wrong password!');
  for (const totp of totps.values()) expect(JSON.stringify(w.t.logs)).not.toContain(totp.secret.base32);
});
