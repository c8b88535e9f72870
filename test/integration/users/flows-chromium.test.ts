/**
 * Every common sign-in, in a real browser (Debian's Chromium through playwright-core),
 * must end at the client's redirect URI with a code or an OAuth error. Chromium applies
 * the login page's Content-Security-Policy `form-action` to the redirects after a form
 * post, so a policy that allowed only 'self' left a returning user on "Sign in" (the
 * browser aborted the last redirect); HTTP-level tests cannot see this. The test, as the
 * client, catches the callback and exchanges codes with openid-client.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import * as client from 'openid-client';
import { TOTP, URI } from 'otpauth';
import { ACR_MFA } from '../../../src/users/index.js';
import { API, LOGGED_OUT, REDIRECT, startUsersWorld, type UsersWorld } from './setup.js';
import { screenshot } from '../../support/screenshots.js';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const PASSWORD = 'correct horse battery';
const CALLBACK_WAIT = 15_000;
let w: UsersWorld;
let browser: Browser;
let totp: TOTP;

beforeAll(async () => {
  w = await startUsersWorld();
  await w.users.add({ username: 'alice', password: PASSWORD });
  await w.users.add({ username: 'bob', password: PASSWORD });
  totp = URI.parse((await w.users.enrolTotp('bob'))!) as TOTP;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
});
afterAll(async () => {
  await browser?.close();
  await w?.t.close();
});

interface Tab { context: BrowserContext; page: Page; errors: string[]; aborted: string[]; callback: () => Promise<URL> }

/** A browser profile whose navigations to the client's redirect URI are caught (not loaded), in order. */
async function profile(): Promise<Tab> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  const aborted: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('requestfailed', (r) => aborted.push(`${r.url()} ${r.failure()?.errorText}`));
  const arrived: URL[] = [];
  await context.route(`${REDIRECT}**`, async (route) => {
    arrived.push(new URL(route.request().url()));
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html lang="en"><title>done</title><p>done</p></html>' });
  });
  const callback = async () => {
    const deadline = Date.now() + CALLBACK_WAIT;
    while (!arrived.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const url = arrived.shift();
    if (!url) throw new Error(`no callback; stuck at ${page.url()}; failed requests: ${aborted.join(', ')}`);
    return url;
  };
  return { context, page, errors, aborted, callback };
}

/** Opens /authorize for the public client `spa`; answers the PKCE verifier and state. */
async function authorize(tab: Tab, params: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(w.spa, {
    redirect_uri: REDIRECT, scope: 'openid read', resource: API, state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...params,
  });
  await tab.page.goto(url.href).catch(() => undefined); // a silent answer is a redirect the route catches
  return { verifier, state };
}

async function fillLogin(tab: Tab, username: string, shot?: string): Promise<void> {
  await tab.page.getByLabel('Username').waitFor();
  await tab.page.getByLabel('Username').fill(username);
  await tab.page.getByLabel('Password').fill(PASSWORD);
  if (shot) await screenshot(tab.page, shot);
  await tab.page.getByRole('button', { name: 'Sign in' }).click();
}

async function codeFrom(tab: Tab, started: { verifier: string; state: string }) {
  const callback = await tab.callback();
  expect(callback.searchParams.get('error')).toBeNull();
  return client.authorizationCodeGrant(w.spa, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state });
}

/** First sign-in of alice with consent; the tab keeps her session and grant. */
async function firstSignIn(): Promise<Tab> {
  const tab = await profile();
  const started = await authorize(tab);
  await fillLogin(tab, 'alice', 'login');
  await tab.page.getByRole('button', { name: 'Allow' }).waitFor();
  await tab.page.getByRole('button', { name: 'Allow' }).click();
  const tokens = await codeFrom(tab, started);
  expect(tokens.access_token).toEqual(expect.any(String));
  return tab;
}

it('first sign-in with consent ends at the client with a code', async () => {
  const tab = await firstSignIn();
  expect(tab.errors).toEqual([]);
  await tab.context.close();
}, 60_000);

it('a returning user with prompt=login goes straight from the login form to the client', async () => {
  const tab = await firstSignIn();
  const started = await authorize(tab, { prompt: 'login' });
  await fillLogin(tab, 'alice');
  const tokens = await codeFrom(tab, started);
  expect(tokens.claims()?.auth_time).toEqual(expect.any(Number));
  await tab.context.close();
}, 60_000);

it('max_age=0 asks for the password again and then ends at the client', async () => {
  const tab = await firstSignIn();
  const started = await authorize(tab, { max_age: '0' });
  await fillLogin(tab, 'alice');
  await codeFrom(tab, started);
  await tab.context.close();
}, 60_000);

it('step-up with acr_values and a TOTP code ends at the client with the higher level', async () => {
  const tab = await profile();
  const started = await authorize(tab, { acr_values: ACR_MFA, prompt: 'consent' });
  await fillLogin(tab, 'bob');
  await tab.page.getByLabel('One-time code').waitFor();
  await screenshot(tab.page, 'totp');
  await tab.page.getByLabel('One-time code').fill(totp.generate());
  await tab.page.getByRole('button', { name: 'Verify' }).click();
  await tab.page.getByRole('button', { name: 'Allow' }).click();
  const tokens = await codeFrom(tab, started);
  expect(tokens.claims()).toMatchObject({ acr: ACR_MFA, amr: ['pwd', 'otp'] });
  await tab.context.close();
}, 60_000);

it('a request refused after the form reaches the client as an OAuth error at its redirect URI', async () => {
  const tab = await firstSignIn();
  // alice has no second factor: the server answers unmet_authentication_requirements after her password
  const started = await authorize(tab, { acr_values: ACR_MFA, prompt: 'login' });
  await fillLogin(tab, 'alice');
  const callback = await tab.callback();
  expect(callback.searchParams.get('error')).toBe('unmet_authentication_requirements');
  expect(callback.searchParams.get('state')).toBe(started.state);
  await tab.context.close();
}, 60_000);

it('deny on the consent page reaches the client as access_denied', async () => {
  const tab = await profile();
  const started = await authorize(tab, { prompt: 'consent' });
  await fillLogin(tab, 'alice');
  await tab.page.getByRole('button', { name: 'Deny' }).click();
  const callback = await tab.callback();
  expect(callback.searchParams.get('error')).toBe('access_denied');
  expect(callback.searchParams.get('state')).toBe(started.state);
  await tab.context.close();
}, 60_000);

it('a live session returns silently (prompt=none) with a code', async () => {
  const tab = await firstSignIn();
  const started = await authorize(tab, { prompt: 'none' });
  await codeFrom(tab, started);
  await tab.context.close();
}, 60_000);

it('sign-out and back in ends at the client again', async () => {
  const tab = await firstSignIn();
  const bye = tab.page.waitForRequest((r) => r.url().startsWith(LOGGED_OUT));
  await tab.context.route(`${LOGGED_OUT}**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>bye</title>' }));
  await tab.page.goto(`${w.t.url}/session/end?client_id=spa&post_logout_redirect_uri=${encodeURIComponent(LOGGED_OUT)}`);
  await screenshot(tab.page, 'logout');
  await tab.page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await bye;
  // signing out of everything ended the grant too: she signs in and consents again
  const started = await authorize(tab);
  await fillLogin(tab, 'alice');
  await tab.page.getByRole('button', { name: 'Allow' }).click();
  await codeFrom(tab, started);
  await tab.context.close();
}, 60_000);
