/**
 * Brute force on the login form (the throttle in front of the sign-in pages): consecutive
 * wrong passwords lock the username for a growing time, the lock refuses even the
 * right password, and an unknown username is locked and answered exactly the same.
 */
import * as client from 'openid-client';
import { leaksInternals, serverErrors } from '../../support/issuer.js';
import { testClock } from '../../support/clock.js';
import { Browser, formAction, hidden, type Page } from './browser.js';
import { API, REDIRECT, startUsersWorld, type UsersWorld } from './setup.js';

const clock = testClock();
let w: UsersWorld;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  w = await startUsersWorld({ THROTTLE_LOCKOUT_AFTER: '3', THROTTLE_LOCKOUT_FIRST: '2s' }, { now: clock.now });
  await w.users.add({ username: 'alice', password: PASSWORD });
});
afterAll(async () => {
  expect(serverErrors(w.t.logs)).toEqual([]);
  await w?.t.close();
});

async function atLogin(): Promise<{ browser: Browser; page: Page }> {
  const browser = new Browser();
  const url = new URL(`${w.t.url}/auth`);
  const challenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
  for (const [k, v] of Object.entries({ client_id: 'web', response_type: 'code', redirect_uri: REDIRECT, scope: 'openid read', resource: API, code_challenge: challenge, code_challenge_method: 'S256' })) url.searchParams.set(k, v);
  const start = await browser.request(url.href);
  return { browser, page: await browser.request(start.location!) };
}

async function attempt(username: string, password: string): Promise<Page & { retryAfter: string | null }> {
  const { browser, page } = await atLogin();
  const body = new URLSearchParams({ csrf: hidden(page.html, 'csrf')!, username, password }).toString();
  const url = new URL(formAction(page.html), page.url).href;
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(url, { method: 'POST', body, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } });
  const html = await res.text();
  expect(leaksInternals(html)).toBe(false);
  return { status: res.status, url, html, location: res.headers.get('location') ?? undefined, retryAfter: res.headers.get('retry-after') };
}

describe('login lockout', () => {
  it('locks a username after consecutive wrong passwords, refusing even the right one, then lifts by itself', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt('alice', 'wrong password!')).html).toContain('The username or password is incorrect.');
    const locked = await attempt('alice', PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(locked.html).toContain('Too many attempts');
    expect(locked.location).toBeUndefined();
    clock.advance(Number(locked.retryAfter) * 1000);
    const after = await attempt('alice', PASSWORD);
    expect(after.status).toBe(303); // signed in: on to consent / the client
  });

  it('treats an unknown username exactly like a known one (same status and page)', async () => {
    for (let i = 0; i < 3; i++) await attempt('nobody', 'wrong password!');
    for (let i = 0; i < 3; i++) await attempt('alice', 'wrong password!');
    const [ghost, real] = [await attempt('nobody', 'x'.repeat(12)), await attempt('alice', 'x'.repeat(12))];
    expect(ghost.status).toBe(429);
    expect(real.status).toBe(429);
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '').replace(/\/interaction\/[^"]+/g, '');
    expect(strip(ghost.html)).toBe(strip(real.html));
  });
});
