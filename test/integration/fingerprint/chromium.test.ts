/**
 * The real collector in headless Chromium (Debian package, playwright-core): the login
 * page loads /fingerprint.js, the hidden field is filled, the token carries `fpd`;
 * replaying the token with another device's fingerprint is refused at /introspect
 * (and recorded); the same device after legitimate changes (HiDPI monitor, browser
 * update, travel) is accepted and the change recorded. Devices are simulated as in
 * `npm run eval:fingerprint`.
 */
import { chromium, type Browser } from 'playwright-core';
import * as client from 'openid-client';
import { CHROMIUM_FLAGS, collect, contextOptions, deviceScript, makeDevices } from '../../../scripts/eval-fingerprint/devices.js';
import { API, REDIRECT } from '../users/setup.js';
import { watchPage } from '../../support/page-watch.js';
import { introspect, PASSWORD, startFingerprintWorld, type FingerprintWorld } from './world.js';

let w: FingerprintWorld;
let browser: Browser;
const [laptop, other] = makeDevices(2, 61);

beforeAll(async () => {
  w = await startFingerprintWorld();
  await w.users.add({ username: 'alice', password: PASSWORD });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
});
afterAll(async () => {
  await browser?.close();
  await w?.t.close();
});

/** Signs alice in as `laptop` through the real login page; returns the tokens and console errors. */
async function signInWithChromium() {
  const context = await browser.newContext(contextOptions());
  await context.addInitScript(deviceScript(laptop));
  const page = await context.newPage();
  const { errors, callback } = watchPage(context, page, REDIRECT);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(w.web, { redirect_uri: REDIRECT, scope: 'openid offline_access read', resource: API, state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  await page.goto(url.href);
  await page.waitForFunction(() => document.documentElement.dataset.fingerprint === 'ready');
  const field = await page.locator('input[name="fingerprint"]').inputValue();
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
  const tokens = await client.authorizationCodeGrant(w.web, await callback, { pkceCodeVerifier: verifier, expectedState: state });
  await context.close();
  return { tokens, errors, field };
}

// The collector runs on any page of the issuer's origin; the disclosure document is one
// that allows an injected script (the privacy page's policy allows none).
const presented = async (device: typeof laptop, change = {}) => (await collect(browser, `${w.t.url}/.well-known/fingerprint-disclosure`, device, change, `${w.t.url}/fingerprint.js`)).fingerprint;

it('collects on the login page, binds the token, refuses another device, accepts and records legitimate changes', async () => {
  const { tokens, errors, field } = await signInWithChromium();
  const components = JSON.parse(field) as Record<string, string>;
  expect(Object.keys(components)).toEqual(expect.arrayContaining(['canvas', 'fonts', 'webGlBasics', 'platform', 'timezone', 'userAgent']));
  expect(components.platform).toBe(laptop.platform);
  expect(errors).toEqual([]);

  const claims = (await w.t.issuer.tokens.open(tokens.access_token))!.claims as Record<string, string>;
  expect(claims.fpd).toMatch(/^[A-Za-z0-9_-]{22}$/);
  const profile = await w.t.issuer.db.prisma.fingerprintProfile.findUniqueOrThrow({ where: { id: claims.fpp } });
  expect(profile.digest).toBe(claims.fpd);
  expect(profile.coarse).toEqual({ browser: 'Chrome 131', platform: laptop.platform });

  // the same device, another page load: exact match
  expect((await introspect(w, tokens.access_token, { fingerprint: await presented(laptop) })).body.active).toBe(true);

  // a stolen token replayed from another device
  expect((await introspect(w, tokens.access_token, { fingerprint: await presented(other) })).body).toEqual({ active: false });
  expect(await w.t.issuer.db.prisma.fingerprintChange.count({ where: { profileId: claims.fpp, outcome: 'mismatch' } })).toBe(1);

  // the owner moved the window to a HiDPI monitor after a browser update, while travelling
  const moved = await presented(laptop, { deviceScaleFactor: 2, userAgentBump: true, timezoneId: 'Asia/Tokyo' });
  expect((await introspect(w, tokens.access_token, { fingerprint: moved })).body.active).toBe(true);
  const accepted = await w.t.issuer.db.prisma.fingerprintChange.findFirstOrThrow({ where: { profileId: claims.fpp, outcome: { in: ['match', 'drift'] } } });
  expect(accepted.changed).toEqual(expect.arrayContaining(['timezone', 'userAgent']));
  expect(w.outcomes.map((o) => o.outcome)).toEqual(expect.arrayContaining(['match', 'mismatch']));
}, 60_000);
