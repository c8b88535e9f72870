/**
 * A real browser: headless Chromium (Debian package) driven by playwright-core signs
 * in through the login and consent pages; the test, as the client, receives the
 * callback and exchanges the code with openid-client. A second run checks the
 * wrong-password message, its focus and announcement, and that no page logged a
 * console error.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import * as client from 'openid-client';
import { API, REDIRECT, startUsersWorld, type UsersWorld } from './setup.js';
import { watchPage } from '../../support/page-watch.js';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const PASSWORD = 'correct horse battery';
let w: UsersWorld;
let browser: Browser;

beforeAll(async () => {
  w = await startUsersWorld();
  await w.users.add({ username: 'alice', password: PASSWORD });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
});
afterAll(async () => {
  await browser?.close();
  await w?.t.close();
});

/** Opens /authorize in a fresh page; the redirect back to the client is caught, not loaded. */
async function openLogin(): Promise<{ page: Page; errors: string[]; callback: Promise<URL>; verifier: string; state: string }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { errors, callback } = watchPage(context, page, REDIRECT);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(w.spa, {
    redirect_uri: REDIRECT, scope: 'openid read', resource: API, state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  await page.goto(url.href);
  return { page, errors, callback, verifier, state };
}

it('signs in with Chromium and the client receives tokens', async () => {
  const { page, errors, callback, verifier, state } = await openLogin();
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
  const tokens = await client.authorizationCodeGrant(w.spa, await callback, { pkceCodeVerifier: verifier, expectedState: state });
  const opened = await w.t.issuer.tokens.open(tokens.access_token);
  expect(opened?.claims).toMatchObject({ aud: API, client_id: 'spa', amr: ['pwd'] });
  expect(tokens.claims()?.sub).toBe(opened?.claims.sub);
  expect(errors).toEqual([]);
});

it('shows the generic wrong-password message, focused on the form, with no console errors', async () => {
  const { page, errors } = await openLogin();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('username');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  expect(await page.getByRole('alert').textContent()).toBe('The username or password is incorrect.');
  expect(await page.getByLabel('Password').getAttribute('aria-describedby')).toBe('form-error');
  expect(await page.getByLabel('Username').inputValue()).toBe('alice');
  expect(errors).toEqual([]);
});
