/**
 * The account page over HTTP, as a browser without JavaScript uses it: signing in
 * through the same login; changing the password (other sessions and refresh tokens end,
 * this one stays, the person is mailed); TOTP enrolment with a QR code and recovery codes
 * (stored hashed, each used once at sign-in); removal only after a fresh second factor;
 * the devices list (no address shown or stored) and signing one out (its tokens stop at
 * introspection, receivers get a CAEP session-revoked event); download and erasure with a
 * confirmation. Hostile cases: cross-site posts, another person's session, a reused
 * recovery code.
 */
import * as client from 'openid-client';
import { TOTP, URI } from 'otpauth';
import { addReceiver } from '../../../src/events/index.js';
import { eventually } from '../../support/receivers.js';
import { leaksInternals, serverErrors } from '../../support/issuer.js';
import { Browser, hidden, signIn, tokensFor, type Page } from '../users/browser.js';
import { API, REDIRECT, startUsersWorld, type UsersWorld } from '../users/setup.js';
import { startMailbox, type Mailbox } from './mail.js';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'an even better passphrase';
const NEVER = 'no-stop://';
let w: UsersWorld;
let mailbox: Mailbox;

beforeAll(async () => {
  mailbox = await startMailbox();
  w = await startUsersWorld({ RISK_SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`, TRUSTED_PROXIES: '127.0.0.1' });
  await w.t.issuer.db.prisma.eventReceiver.deleteMany();
  await addReceiver(w.t.issuer.db, { clientId: 'web', audience: API, delivery: 'poll' });
  for (const name of ['ann@example.test', 'mallory@example.test', 'eve@example.test']) await w.users.add({ username: name, password: PASSWORD });
});
afterAll(async () => {
  expect(serverErrors(w.t.logs)).toEqual([]);
  await w?.t.close();
  mailbox?.close();
});

const url = (path: string) => `${w.t.url}${path}`;

/** Opens /account in `browser`, signing in through the login pages when asked; answers the account page. */
async function openAccount(browser: Browser, username: string, password = PASSWORD, code?: () => string): Promise<Page> {
  let page = await browser.follow(url('/account'), NEVER);
  for (let i = 0; i < 4 && !page.html.includes('Your account'); i++) {
    if (page.html.includes('name="password"')) page = await browser.submit(page, { username, password }, NEVER);
    else if (page.html.includes('name="code"') && code) page = await browser.submit(page, { code: code() }, NEVER);
    else break;
  }
  return page;
}

/** Submits the account page form whose action is `action` (with extra fields). */
async function post(browser: Browser, page: Page, action: string, fields: Record<string, string> = {}): Promise<Page> {
  const form = new RegExp(`<form method="post" action="${action}"[^>]*>.*?name="csrf" value="([^"]+)"`, 's').exec(page.html);
  if (!form) throw new Error(`no form ${action} in ${page.html.slice(0, 400)}`);
  const res = await browser.request(url(action), { method: 'POST', body: new URLSearchParams({ csrf: form[1], ...fields }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return res.location ? browser.follow(res.location, NEVER) : res;
}

const appSignIn = (username: string, password: string, extra: { code?: () => string; browser?: Browser } = {}) =>
  tokensFor({ config: w.web, redirectUri: REDIRECT, username, password, params: { resource: API, scope: 'openid offline_access read', prompt: 'consent' }, ...extra });

describe('ann looks after her own account', () => {
  const home = new Browser({ 'x-forwarded-for': '81.2.69.142' });
  let page: Page;

  it('signs in through the same login page, with no consent screen for the account page', async () => {
    page = await openAccount(home, 'ann@example.test');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Signed in as <strong>ann@example.test</strong>');
    expect(page.html).toMatch(/GB, last used/); // the country of her network, nothing finer
    expect(page.html).not.toContain('81.2.69.142');
    expect(JSON.stringify(await w.t.issuer.db.prisma.sessionDevice.findMany())).not.toContain('81.2.69');
  });

  it('changes her password: asked for the current one; other sessions and refresh tokens end, hers stays, she is mailed', async () => {
    const { tokens } = await appSignIn('ann@example.test', PASSWORD, { browser: new Browser() });
    const wrong = await post(home, page, '/account/password', { current: 'not it at all', password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('Your current password is not right.');
    page = await post(home, wrong, '/account/password', { current: PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(page.html).toContain('Password changed.');
    await expect(client.refreshTokenGrant(w.web, tokens.refresh_token!, { resource: API })).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await client.tokenIntrospection(w.web, tokens.access_token)).active).toBe(false);
    expect((await openAccount(home, 'ann@example.test')).html).toContain('Signed in as'); // still signed in here
    expect(await w.users.authenticate('ann@example.test', NEW_PASSWORD)).toBeDefined();
    await eventually('the password-changed mail', 5000, () => mailbox.mails.some((m) => m.to.includes('ann@example.test') && m.data.includes('password_changed')));
  });

  let totp: TOTP;
  let codes: string[];

  it('sets up TOTP with a QR code on the page and ten recovery codes, stored only hashed', async () => {
    const enrolled = await post(home, page, '/account/totp/enrol');
    expect(enrolled.status).toBe(200);
    expect(enrolled.html).toMatch(/<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" width="220" height="220" alt="QR code/);
    const svg = Buffer.from(/data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(enrolled.html)![1], 'base64').toString();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const secret = /Key: <code>([A-Z2-7 ]+)<\/code>/.exec(enrolled.html)![1].replace(/ /g, '');
    totp = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 });
    codes = [...enrolled.html.matchAll(/<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})<\/code><\/li>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);
    const stored = JSON.stringify(await w.t.issuer.db.prisma.recoveryCode.findMany());
    for (const c of codes) expect(stored).not.toContain(c);
    page = await openAccount(home, 'ann@example.test');
    expect(page.html).toContain('Recovery codes left: <strong>10</strong>');
  });

  it('a recovery code signs her in once; used again, it is refused', async () => {
    const ok = await appSignIn('ann@example.test', NEW_PASSWORD, { browser: new Browser() }).catch(() => undefined);
    expect(ok).toBeUndefined(); // a TOTP user needs a second factor
    const viaRecovery = await signIn({ config: w.web, redirectUri: REDIRECT, username: 'ann@example.test', password: NEW_PASSWORD, params: { resource: API } });
    const totpPage = viaRecovery.pages.at(-1)!;
    expect(totpPage.html).toContain('Recovery code');
    const used = await viaRecovery.browser.submit(totpPage, { code: '', recovery: codes[0].toUpperCase() }, REDIRECT);
    expect(used.html).toContain('Allow access?'); // past the second factor, on to consent
    const again = await signIn({ config: w.web, redirectUri: REDIRECT, username: 'ann@example.test', password: NEW_PASSWORD, params: { resource: API } });
    const refused = await again.browser.submit(again.pages.at(-1)!, { code: '', recovery: codes[0] }, REDIRECT);
    expect(refused.location).toBeUndefined();
    expect(refused.html).toContain('That code is not valid.');
    expect((await openAccount(home, 'ann@example.test')).html).toContain('Recovery codes left: <strong>9</strong>');
  });

  it('removing TOTP needs a fresh sign-in with a code first', async () => {
    page = await openAccount(home, 'ann@example.test');
    const first = await home.request(url('/account/totp/remove'), { method: 'POST', body: new URLSearchParams({ csrf: csrfOf(page, '/account/totp/remove') }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(first.status).toBe(303);
    const to = new URL(first.location!);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({ client_id: 'portcullis-account', max_age: '0', acr_values: 'urn:portcullis:acr:mfa' });
    expect(await w.users.find('ann@example.test')).toMatchObject({ totp: true });
    let step = await home.follow(first.location!, NEVER);
    step = await home.submit(step, { username: 'ann@example.test', password: NEW_PASSWORD }, NEVER);
    step = await home.submit(step, { code: totp.generate({ timestamp: Date.now() + 30_000 }) }, NEVER);
    expect(step.html).toContain('Press &#34;Remove the authenticator app&#34; once more');
    page = await post(home, step, '/account/totp/remove');
    expect(page.html).toContain('The authenticator app was removed');
    expect(await w.users.find('ann@example.test')).toMatchObject({ totp: false });
    expect(await w.t.issuer.db.prisma.recoveryCode.count()).toBe(0);
  });
});

function csrfOf(page: Page, action: string): string {
  return new RegExp(`<form method="post" action="${action}"[^>]*>.*?name="csrf" value="([^"]+)"`, 's').exec(page.html)![1];
}

describe('devices and data', () => {
  it('lists her browsers and signs one out: its tokens stop and receivers get a CAEP session-revoked event', async () => {
    const laptop = new Browser();
    const phone = new Browser();
    const onPhone = await appSignIn('eve@example.test', PASSWORD, { browser: phone });
    const page = await openAccount(laptop, 'eve@example.test');
    expect(page.html.match(/<li>Another browser/g)?.length ?? 0).toBe(2);
    const revokedSessions = async () => (await w.t.issuer.db.prisma.securityEvent.findMany()).filter((e) => e.eventKey.startsWith('session.revoked:'));
    const before = (await revokedSessions()).length;
    const phoneUid = /name="session" value="([^"]+)"/.exec(page.html)![1];
    const after = await post(laptop, page, '/account/sessions/end', { session: phoneUid });
    expect(after.html).toContain('That browser was signed out');
    expect((await client.tokenIntrospection(w.web, onPhone.tokens.access_token)).active).toBe(false);
    await expect(client.refreshTokenGrant(w.web, onPhone.tokens.refresh_token!, { resource: API })).rejects.toMatchObject({ error: 'invalid_grant' });
    const events = await revokedSessions();
    expect(events.length).toBe(before + 1);
    expect(JSON.stringify(events.at(-1)!.payload)).toContain('https://schemas.openid.net/secevent/caep/event-type/session-revoked');
    expect((await phone.request(url('/account'))).status).toBe(303); // the phone must sign in again
  });

  it('refuses to sign out another person\'s session: 404, and theirs goes on', async () => {
    const mallory = new Browser();
    const victim = new Browser();
    await openAccount(victim, 'ann@example.test', NEW_PASSWORD);
    const victimUid = (await w.t.issuer.db.prisma.sessionDevice.findMany({ where: { userId: (await w.users.find('ann@example.test'))!.id } })).map((d) => d.sessionUid);
    await appSignIn('mallory@example.test', PASSWORD, { browser: new Browser() }); // a second session of hers: the sign-out form shows
    const page = await openAccount(mallory, 'mallory@example.test');
    for (const uid of victimUid) {
      const refused = await post(mallory, page, '/account/sessions/end', { session: uid });
      expect(refused.status).toBe(404);
      expect(refused.html).toContain('There is no such browser signed in to your account.');
    }
    expect((await openAccount(victim, 'ann@example.test', NEW_PASSWORD)).html).toContain('Signed in as <strong>ann@example.test</strong>');
  });

  it('refuses cross-site posts: no token, another purpose\'s token, another browser\'s token', async () => {
    const b = new Browser();
    const page = await openAccount(b, 'mallory@example.test');
    const form = (csrf: string) => ({ method: 'POST', body: new URLSearchParams({ csrf, current: PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const other = new Browser();
    await openAccount(other, 'eve@example.test');
    for (const attempt of [await b.request(url('/account/password'), form('')), await b.request(url('/account/password'), form(csrfOf(page, '/account/erase'))), await other.request(url('/account/password'), form(csrfOf(page, '/account/password')))]) {
      expect(attempt.status).toBe(403);
      expect(leaksInternals(attempt.html)).toBe(false);
    }
    expect(await w.users.authenticate('mallory@example.test', PASSWORD)).toBeDefined();
  });

  it('downloads her data, and erases her account only after a confirmation', async () => {
    const b = new Browser();
    const page = await openAccount(b, 'mallory@example.test');
    const data = await post(b, page, '/account/data');
    expect(JSON.parse(data.html)).toMatchObject({ user: { username: 'mallory@example.test' } });
    const confirm = await post(b, page, '/account/erase');
    expect(confirm.html).toContain('cannot be undone');
    expect(await w.users.find('mallory@example.test')).toBeDefined();
    const erased = await post(b, confirm, '/account/erase', { confirm: 'yes' });
    expect(erased.html).toContain('Account erased');
    expect(await w.users.find('mallory@example.test')).toBeUndefined();
  });
});
