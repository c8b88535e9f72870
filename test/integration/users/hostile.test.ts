/**
 * Hostile input on the authorization and interaction endpoints: clear errors with
 * the right status, never a 5xx, never internals, nothing half-done.
 */
import * as client from 'openid-client';
import { FORM_LIMIT } from '../../../src/interactions/index.js';
import { leaksInternals, serverErrors } from '../../support/issuer.js';
import { Browser, formAction, hidden, type Page } from './browser.js';
import { API, REDIRECT, startUsersWorld, type UsersWorld } from './setup.js';

let w: UsersWorld;
const pages: Page[] = [];
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  w = await startUsersWorld();
  await w.users.add({ username: 'alice', password: PASSWORD });
});
afterAll(async () => {
  expect(serverErrors(w.t.logs)).toEqual([]);
  for (const p of pages) expect(leaksInternals(p.html)).toBe(false);
  await w?.t.close();
});

async function authorize(params: Record<string, string>, browser = new Browser()): Promise<Page> {
  const url = new URL(`${w.t.url}/auth`);
  const base = { client_id: 'web', response_type: 'code', redirect_uri: REDIRECT, scope: 'openid read', resource: API };
  for (const [k, v] of Object.entries({ ...base, ...params })) if (v !== '') url.searchParams.set(k, v);
  const page = await browser.request(url.href);
  pages.push(page);
  return page;
}
const challenge = () => client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());

/** A browser sitting on the login page of a fresh interaction. */
async function atLogin(): Promise<{ browser: Browser; page: Page }> {
  const browser = new Browser();
  const start = await authorize({ code_challenge: await challenge(), code_challenge_method: 'S256' }, browser);
  const page = await browser.request(start.location!);
  expect(page.html).toContain('name="password"');
  return { browser, page };
}

async function post(browser: Browser, page: Page, body: string, headers: Record<string, string> = {}): Promise<Page> {
  const res = await browser.request(new URL(formAction(page.html), page.url).href, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  pages.push(res);
  return res;
}

describe('/auth', () => {
  it('refuses an unknown client without redirecting', async () => {
    const page = await authorize({ client_id: 'nobody', code_challenge: await challenge(), code_challenge_method: 'S256' });
    expect(page.status).toBe(400);
    expect(page.location).toBeUndefined();
    expect(page.html).toContain('invalid_client');
  });

  it('refuses a redirect_uri that is not registered, without redirecting to it', async () => {
    const page = await authorize({ redirect_uri: 'https://evil.test/cb', code_challenge: await challenge(), code_challenge_method: 'S256' });
    expect(page.status).toBe(400);
    expect(page.location).toBeUndefined();
    expect(page.html).toContain('redirect_uri');
  });

  it.each([
    ['missing PKCE', {}],
    ['plain PKCE', { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }],
  ])('refuses %s (RFC 9700 §2.1.1: S256 only)', async (_case, params: Record<string, string>) => {
    const page = await authorize(params);
    expect(page.status).toBe(303);
    const back = new URL(page.location!);
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('error')).toBe('invalid_request');
  });
});

describe('/interaction pages', () => {
  it('serve an accessible login form: labels, autofocus, CSRF field, no-store', async () => {
    const { browser, page } = await atLogin();
    expect(page.html).toMatch(/<label for="username">/);
    expect(page.html).toMatch(/<label for="password">/);
    expect(page.html).toContain('autofocus');
    expect(hidden(page.html, 'csrf')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await browser.request(page.url);
    expect(again.status).toBe(200);
  });

  it('refuse a post without the CSRF token (403) and do not sign in', async () => {
    const { browser, page } = await atLogin();
    const res = await post(browser, page, new URLSearchParams({ username: 'alice', password: PASSWORD }).toString());
    expect(res.status).toBe(403);
    expect(res.location).toBeUndefined();
  });

  it('refuse a tampered or missing interaction cookie (400)', async () => {
    const { browser, page } = await atLogin();
    const name = [...browser.cookies.keys()].find((k) => k.startsWith('_interaction') && !k.endsWith('.sig'))!;
    browser.cookies.set(name, browser.cookies.get(name)!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
    const res = await post(browser, page, new URLSearchParams({ csrf: hidden(page.html, 'csrf')!, username: 'alice', password: PASSWORD }).toString());
    expect(res.status).toBe(400);
    const bare = await new Browser().request(page.url);
    pages.push(bare);
    expect(bare.status).toBe(400);
  });

  it('refuse an oversized form post (413) before reading it all', async () => {
    const { browser, page } = await atLogin();
    const res = await post(browser, page, `csrf=${hidden(page.html, 'csrf')}&username=alice&password=${'a'.repeat(FORM_LIMIT)}`);
    expect(res.status).toBe(413);
  });

  it('refuse other content types (415) and unknown steps (404)', async () => {
    const { browser, page } = await atLogin();
    expect((await post(browser, page, '{}', { 'content-type': 'application/json' })).status).toBe(415);
    const unknown = await browser.request(`${page.url}/nope`, { method: 'POST' });
    pages.push(unknown);
    expect(unknown.status).toBe(404);
  });

  it('refuse a consent post before sign-in, and a TOTP post without a pending password', async () => {
    const { browser, page } = await atLogin();
    const csrf = hidden(page.html, 'csrf')!;
    for (const step of ['consent', 'totp']) {
      const res = await browser.request(`${page.url}/${step}`, { method: 'POST', body: `csrf=${csrf}&code=123456`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      pages.push(res);
      expect(res.status).toBe(400);
      expect(res.location).toBeUndefined();
    }
  });
});
