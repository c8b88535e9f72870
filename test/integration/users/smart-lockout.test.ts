/**
 * Lockouts a stranger cannot turn into a weapon (docs/lockout.md): wrong passwords typed
 * from an unfamiliar network and browser lock only that side, so the owner still signs
 * in from a network or browser she signed in from before; the lockout page says how
 * long to wait and links the password reset; unknown names get the same page; and
 * failures from the owner's own side still lock that side. Addresses come through a
 * trusted proxy (X-Forwarded-For), as behind a load balancer.
 */
import * as client from 'openid-client';
import { DEVICE_COOKIE } from '../../../src/familiar/index.js';
import { leaksInternals, serverErrors } from '../../support/issuer.js';
import { Browser, formAction, hidden, type Page } from './browser.js';
import { API, REDIRECT, startUsersWorld, type UsersWorld } from './setup.js';

const PASSWORD = 'correct horse battery';
const HOME = '198.51.100.7';
const STRANGER = '203.0.113.9';
const TRAVEL = '192.0.2.44';
let w: UsersWorld;

beforeAll(async () => {
  // the risk engine locks at the fourth wrong password (25 each, threshold 100), the throttle at the sixth
  w = await startUsersWorld({ TRUSTED_PROXIES: '127.0.0.1', RISK_SCORES: 'login_failure=25', THROTTLE_LOCKOUT_AFTER: '6' });
  await w.users.add({ username: 'olive', password: PASSWORD });
  await w.users.add({ username: 'pat', password: PASSWORD });
});
afterAll(async () => {
  expect(serverErrors(w.t.logs)).toEqual([]);
  await w?.t.close();
});

/** One login form post from `ip` with `browser`'s cookies. */
async function attempt(browser: Browser, username: string, password: string): Promise<Page> {
  const url = new URL(`${w.t.url}/auth`);
  const challenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
  for (const [k, v] of Object.entries({ client_id: 'web', response_type: 'code', redirect_uri: REDIRECT, scope: 'openid read', resource: API, code_challenge: challenge, code_challenge_method: 'S256' })) url.searchParams.set(k, v);
  const page = await browser.follow(url.href, REDIRECT);
  const body = new URLSearchParams({ csrf: hidden(page.html, 'csrf')!, username, password });
  const res = await browser.request(new URL(formAction(page.html), page.url).href, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(leaksInternals(res.html)).toBe(false);
  return res;
}
const from = (ip: string) => new Browser({ 'x-forwarded-for': ip });

it('a stranger locks only their own side: the owner still signs in from her network and from her browser elsewhere', async () => {
  const home = from(HOME);
  expect((await attempt(home, 'olive', PASSWORD)).status).toBe(303);
  expect(home.cookies.get(DEVICE_COOKIE)).toMatch(/^[A-Za-z0-9_-]{22}$/);

  const stranger = from(STRANGER);
  for (let i = 0; i < 4; i++) expect((await attempt(stranger, 'olive', 'wrong password!')).html).toContain('The username or password is incorrect.');
  const locked = await attempt(stranger, 'olive', PASSWORD);
  expect(locked.status).toBe(429);
  expect(locked.location).toBeUndefined();

  // the owner, from her home network in a fresh browser, and from her own browser while travelling
  expect((await attempt(from(HOME), 'olive', PASSWORD)).status).toBe(303);
  const travelling = new Browser({ 'x-forwarded-for': TRAVEL });
  travelling.cookies.set(DEVICE_COOKIE, home.cookies.get(DEVICE_COOKIE)!);
  expect((await attempt(travelling, 'olive', PASSWORD)).status).toBe(303);

  // a guessed device cookie is just another unfamiliar browser
  const forged = from(STRANGER);
  forged.cookies.set(DEVICE_COOKIE, 'AAAAAAAAAAAAAAAAAAAAAA');
  expect((await attempt(forged, 'olive', PASSWORD)).status).toBe(429);
});

it('the lockout page says how long to wait and links the password reset; Retry-After agrees', async () => {
  const res = await fetchLocked('olive');
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(60);
  expect(res.html).toContain(`Too many attempts. Try again in about ${Math.ceil(retryAfter / 60)} minutes.`);
  expect(res.html).toContain('href="/account/password/forgot"');
  expect(res.html).toMatch(/role="alert"/);
});

it('an unknown name gets the same lockout, status and page, as a real one', async () => {
  const stranger = from(STRANGER);
  for (let i = 0; i < 4; i++) await attempt(stranger, 'nobody-here', 'wrong password!');
  const [real, unknown] = [await fetchLocked('olive'), await fetchLocked('nobody-here')];
  expect(unknown.status).toBe(real.status);
  expect(unknown.html.replace(/\/interaction\/[^"]+/g, '')).toBe(real.html.replace(/\/interaction\/[^"]+/g, ''));
});

it('wrong passwords from the owner\'s own network lock that side too (nobody guesses freely)', async () => {
  const home = from(HOME);
  expect((await attempt(home, 'pat', PASSWORD)).status).toBe(303);
  for (let i = 0; i < 4; i++) await attempt(from(HOME), 'pat', 'wrong password!');
  expect((await attempt(from(HOME), 'pat', PASSWORD)).status).toBe(429);
  expect((await attempt(home, 'pat', PASSWORD)).status).toBe(429); // the browser is familiar, the same side
});

/** The raw lockout answer for `username` from the stranger's side. */
async function fetchLocked(username: string): Promise<{ status: number; html: string; headers: Headers }> {
  const browser = from(STRANGER);
  const url = new URL(`${w.t.url}/auth`);
  const challenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
  for (const [k, v] of Object.entries({ client_id: 'web', response_type: 'code', redirect_uri: REDIRECT, scope: 'openid read', resource: API, code_challenge: challenge, code_challenge_method: 'S256' })) url.searchParams.set(k, v);
  const page = await browser.follow(url.href, REDIRECT);
  const body = new URLSearchParams({ csrf: hidden(page.html, 'csrf')!, username, password: PASSWORD });
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(new URL(formAction(page.html), page.url).href, { method: 'POST', body, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': STRANGER } });
  return { status: res.status, html: await res.text(), headers: res.headers };
}
