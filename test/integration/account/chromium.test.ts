/**
 * The pages people use on their own, in a real browser (Debian's Chromium through
 * playwright-core), with JavaScript and the pages' Content-Security-Policy applied: the
 * account page reached through the login page; TOTP enrolment whose QR code renders
 * (the policy allows the data: image); a password change; another browser signed out
 * from the devices list; the data download and the erasure with its confirmation; the
 * forgotten-password flow from the e-mailed link; a consent screen with the client's
 * registered name, logo and links; the lockout page. With PORTCULLIS_SCREENSHOTS set,
 * each page is saved for the README.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import * as client from 'openid-client';
import { deploymentSecret, createMaster } from '../../../src/keys/index.js';
import { addClient, saveResource } from '../../../src/registry/index.js';
import { eventually } from '../../support/receivers.js';
import { screenshot } from '../../support/screenshots.js';
import { startUsersWorld, type UsersWorld } from '../users/setup.js';
import { resetToken, startMailbox, type Mailbox } from './mail.js';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const PASSWORD = 'correct horse battery';
const SHOP_API = 'https://orders.example';
const CALLBACK = 'https://shop.example/callback';
const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><rect width="48" height="48" rx="10" fill="#2e7d32"/><text x="24" y="32" font-size="22" text-anchor="middle" fill="#fff" font-family="sans-serif">CS</text></svg>';
let w: UsersWorld;
let mailbox: Mailbox;
let browser: Browser;
let shop: client.Configuration;

beforeAll(async () => {
  mailbox = await startMailbox();
  // two wrong passwords reach the risk lockout (50 each, threshold 100): the lockout page
  w = await startUsersWorld({ RISK_SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`, RISK_SCORES: 'login_failure=50' });
  for (const name of ['kim@example.test', 'lee@example.test', 'max@example.test', 'zoe@example.test']) await w.users.add({ username: name, password: PASSWORD });
  const { db } = w.t.issuer;
  await createMaster({ db, kek: w.t.kek, audience: SHOP_API });
  await saveResource(db, { audience: SHOP_API, scopes: ['orders:read', 'orders:write'], accessTokenTtl: 300, name: 'Orders', scopeDescriptions: { 'orders:read': 'See your orders and their delivery status', 'orders:write': 'Place and cancel orders for you' } });
  await w.t.issuer.keys.reload();
  await addClient(db, await deploymentSecret(db, w.t.kek, 'client-secret'), {
    id: 'shop', public: true, grants: ['authorization_code'], scopes: ['orders:read', 'orders:write'], audiences: [SHOP_API], redirectUris: [CALLBACK],
    name: 'Corner Shop', logoUri: 'https://shop.example/logo.svg', policyUri: 'https://shop.example/privacy', tosUri: 'https://shop.example/terms',
  });
  shop = await client.discovery(new URL(w.t.url), 'shop', {}, client.None(), { execute: [client.allowInsecureRequests] });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
});
afterAll(async () => {
  await browser?.close();
  await w?.t.close();
  mailbox?.close();
});

async function tab(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

async function signInToAccount(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto(`${w.t.url}/account`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
}

it('the account page: enrol TOTP with a QR code that renders, change the password, sign another browser out', async () => {
  const { context, page, errors } = await tab();
  await signInToAccount(page, 'kim@example.test');
  const other = await tab();
  await signInToAccount(other.page, 'kim@example.test');
  await page.reload();
  await screenshot(page, 'account');
  expect(await page.getByText('Signed in as kim@example.test.').count()).toBe(1);

  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const qr = page.getByRole('img', { name: /QR code for your authenticator app/ });
  await qr.waitFor();
  expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  expect(await page.locator('ul.codes li').count()).toBe(10);
  await screenshot(page, 'account-totp');
  await page.getByRole('link', { name: 'Done: back to your account' }).click();
  expect(await page.getByText('Recovery codes left: 10').count()).toBe(1);

  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password (at least 8 characters)').fill('a new passphrase here');
  await page.getByLabel('New password again').fill('a new passphrase here');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();

  await other.page.reload(); // the password change signed the other browser out: back to the login page
  expect(await other.page.getByLabel('Password').count()).toBe(1);
  expect(errors).toEqual([]);
  await context.close();
  await other.context.close();
}, 90_000);

it('devices: another browser is listed by browser family and signed out with its button', async () => {
  const { context, page } = await tab();
  const other = await tab();
  await signInToAccount(other.page, 'lee@example.test');
  await signInToAccount(page, 'lee@example.test');
  const items = page.locator('ul.devices li');
  expect(await items.count()).toBe(2);
  expect(await items.first().textContent()).toContain('Chrome');
  await page.getByRole('button', { name: /^Sign out Chrome, last used/ }).click();
  await page.getByRole('status').filter({ hasText: 'That browser was signed out' }).waitFor();
  expect(await page.locator('ul.devices li').count()).toBe(1);
  await other.page.goto(`${w.t.url}/account`);
  expect(await other.page.getByLabel('Password').count()).toBe(1);
  await context.close();
  await other.context.close();
}, 60_000);

it('download my data, then erase the account after the confirmation page', async () => {
  const { context, page } = await tab();
  await signInToAccount(page, 'max@example.test');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download my data' }).click();
  expect((await download).suggestedFilename()).toBe('my-account-data.json');
  await page.getByRole('button', { name: 'Erase my account…' }).click();
  await page.getByRole('heading', { name: 'Erase your account?' }).waitFor();
  await screenshot(page, 'account-erase');
  await page.getByRole('button', { name: 'Erase my account' }).click();
  await page.getByRole('heading', { name: 'Account erased' }).waitFor();
  expect(await w.users.find('max@example.test')).toBeUndefined();
  await context.close();
}, 60_000);

it('forgotten password: the e-mailed link leads to a new password', async () => {
  const { context, page, errors } = await tab();
  await page.goto(`${w.t.url}/account/password/forgot`);
  await page.getByLabel('E-mail address').fill('zoe@example.test');
  await screenshot(page, 'forgot-password');
  const before = mailbox.mails.length;
  await page.getByRole('button', { name: 'Send the link' }).click();
  await page.getByRole('heading', { name: 'Check your e-mail' }).waitFor();
  await eventually('the reset mail', 5000, () => mailbox.mails.slice(before).some((m) => resetToken(m.data)));
  const token = resetToken(mailbox.mails.slice(before).find((m) => resetToken(m.data))!.data)!;
  await page.goto(`${w.t.url}/account/password/reset?token=${token}`);
  await page.getByLabel('New password', { exact: true }).fill('zoe has a new one');
  await page.getByLabel('New password again').fill('zoe has a new one');
  await screenshot(page, 'reset-password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('heading', { name: 'Password changed' }).waitFor();
  expect(await w.users.authenticate('zoe@example.test', 'zoe has a new one')).toBeDefined();
  expect(errors).toEqual([]);
  await context.close();
}, 60_000);

it('consent names the client, its logo and links, the API and each scope; Deny is not focused', async () => {
  const { context, page } = await tab();
  await context.route('https://shop.example/logo.svg', (route) => route.fulfill({ status: 200, contentType: 'image/svg+xml', body: LOGO }));
  const url = client.buildAuthorizationUrl(shop, { redirect_uri: CALLBACK, scope: 'openid orders:read orders:write', resource: SHOP_API, state: 's', code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
  await page.goto(url.href);
  await page.getByLabel('Username').fill('lee@example.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Allow' }).waitFor();
  expect(await page.locator('img.logo').evaluate((img: HTMLImageElement) => img.naturalWidth > 0)).toBe(true);
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BODY');
  expect(await page.getByText('See your orders and their delivery status').count()).toBe(1);
  await screenshot(page, 'consent');
  await context.close();
}, 60_000);

it('the lockout page says how long to wait and offers the reset link', async () => {
  const { context, page } = await tab();
  for (let i = 0; i < 3; i++) {
    await page.goto(`${w.t.url}/account`);
    await page.getByLabel('Username').fill('nobody@example.test');
    await page.getByLabel('Password').fill('wrong password!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForLoadState();
  }
  await page.getByRole('heading', { name: 'Too many attempts' }).waitFor();
  expect(await page.getByRole('alert').textContent()).toMatch(/^Too many attempts\. Try again in about \d+ minutes\.$/);
  await screenshot(page, 'lockout');
  await page.getByRole('link', { name: 'Reset it by e-mail' }).click();
  await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
  await context.close();
}, 60_000);
