/**
 * A person turns device fingerprinting off on their account page: every profile of
 * theirs is deleted; later sign-ins store nothing fingerprint-related even when a
 * browser sends a fingerprint (the database is scanned); the replacement stated on the
 * page is enforced (no refresh tokens; apps that require device checks refuse them);
 * their browser's login page loads no collector; a browser that merely claims the opt-out
 * still owes the device check; turning it on again restores refresh tokens.
 */
import { deploymentSecret } from '../../../src/keys/index.js';
import { addClient } from '../../../src/registry/index.js';
import { OPT_OUT_COOKIE } from '../../../src/fingerprint/index.js';
import { Browser, signIn, tokensFor, type Page } from '../users/browser.js';
import { API, REDIRECT } from '../users/setup.js';
import { fp, LAPTOP, PASSWORD, startFingerprintWorld, type FingerprintWorld, client } from '../fingerprint/world.js';
import { tableRows } from '../privacy/scan.js';

const NEVER = 'no-stop://';
let w: FingerprintWorld;
let strict: client.Configuration;

beforeAll(async () => {
  w = await startFingerprintWorld();
  await w.users.add({ username: 'ola', password: PASSWORD });
  await w.users.add({ username: 'pia', password: PASSWORD });
  await addClient(w.t.issuer.db, await deploymentSecret(w.t.issuer.db, w.t.kek, 'client-secret'), { id: 'strict', public: true, grants: ['authorization_code'], scopes: ['read'], audiences: [API], redirectUris: [REDIRECT], fingerprint: 'required' });
  strict = await client.discovery(new URL(w.t.url), 'strict', {}, client.None(), { execute: [client.allowInsecureRequests] });
});
afterAll(async () => { await w?.t.close(); });

const withLaptop = (username: string, browser = new Browser()) => tokensFor({ config: w.web, redirectUri: REDIRECT, username, password: PASSWORD, params: { resource: API, scope: 'openid offline_access read' }, fingerprint: fp(LAPTOP), browser });
const fingerprintRows = async () => (await tableRows(w.t.issuer.db)).filter((t) => t.table.startsWith('Fingerprint')).flatMap((t) => t.rows.map((row) => `${t.table}: ${row}`));

async function accountPage(browser: Browser, username: string): Promise<Page> {
  let page = await browser.follow(`${w.t.url}/account`, NEVER);
  if (page.html.includes('name="password"')) page = await browser.submit(page, { username, password: PASSWORD }, NEVER);
  return page;
}

async function setChecks(browser: Browser, page: Page, checks: 'on' | 'off'): Promise<Page> {
  const csrf = /action="\/account\/privacy\/fingerprint">.*?name="csrf" value="([^"]+)"/s.exec(page.html)![1];
  return browser.request(`${w.t.url}/account/privacy/fingerprint`, { method: 'POST', body: new URLSearchParams({ csrf, checks }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

it('turning checks off deletes every profile, and the page states what replaces them', async () => {
  const before = await withLaptop('ola');
  expect(before.tokens.refresh_token).toEqual(expect.any(String));
  expect((await fingerprintRows()).length).toBeGreaterThan(0);
  const browser = new Browser();
  const page = await accountPage(browser, 'ola');
  expect(page.html).toContain('Device checks are <strong>on</strong>');
  expect(page.html).toContain('Apps get no long-lived access for you instead: no refresh tokens');
  const off = await setChecks(browser, page, 'off');
  expect(off.html).toContain('Device checks are <strong>off</strong>');
  expect(browser.cookies.get(OPT_OUT_COOKIE)).toBe('1');
  expect(await fingerprintRows()).toEqual([]);
});

it('afterwards nothing fingerprint-related is stored, even when a browser sends a fingerprint; no refresh tokens', async () => {
  const outcomes = w.outcomes.length;
  const after = await withLaptop('ola');
  expect(after.tokens.refresh_token).toBeUndefined();
  const claims = (await w.t.issuer.tokens.open(after.tokens.access_token))!.claims;
  expect(claims).not.toHaveProperty('fpp');
  expect(claims).not.toHaveProperty('fpd');
  expect(await fingerprintRows()).toEqual([]);
  expect(w.outcomes).toHaveLength(outcomes); // nothing was even compared
});

it('their browser\'s login page loads no collector; an app that requires device checks refuses them', async () => {
  const browser = new Browser();
  browser.cookies.set(OPT_OUT_COOKIE, '1');
  const r = await signIn({ config: strict, redirectUri: REDIRECT, username: 'ola', password: PASSWORD, params: { resource: API, scope: 'openid read' }, browser, consent: false });
  expect(r.pages[0].html).not.toContain('/fingerprint.js');
  expect(r.pages[0].html).not.toContain('name="fingerprint"');
  const refused = r.pages.at(-1)!;
  expect(refused.status).toBe(403);
  expect(refused.html).toContain('This app needs device checks, which you turned off');
  expect(r.callback).toBeUndefined();
});

it('a browser that only claims the opt-out still owes the device check', async () => {
  const browser = new Browser();
  browser.cookies.set(OPT_OUT_COOKIE, '1');
  const r = await signIn({ config: strict, redirectUri: REDIRECT, username: 'pia', password: PASSWORD, params: { resource: API, scope: 'openid read' }, browser, consent: false });
  expect(r.pages.at(-1)!.status).toBe(400);
  expect(r.pages.at(-1)!.html).toContain('needs a device check');
  expect(r.callback).toBeUndefined();
});

it('turning checks on again brings refresh tokens back', async () => {
  const browser = new Browser();
  const on = await setChecks(browser, await accountPage(browser, 'ola'), 'on');
  expect(on.html).toContain('Device checks are on again.');
  expect((await withLaptop('ola')).tokens.refresh_token).toEqual(expect.any(String));
});
