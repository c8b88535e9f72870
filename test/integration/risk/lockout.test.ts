/**
 * Lockout end to end over HTTP: wrong passwords lock the user (the right password is
 * refused too, and no token is issued from a refresh token meanwhile), a webhook
 * receiver on loopback gets the signed notification, a real SMTP server process gets
 * the email, `user unlock` ends it and records an override, and a lockout ends by
 * itself when the (injected) clock passes its end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { riskCommands } from '../../../scripts/admin/risk.js';
import type { AdminContext } from '../../../scripts/admin/context.js';
import { listRiskEvents, NOTIFICATION_TYP, personLockout, riskEventStats } from '../../../src/risk/index.js';
import { serverErrors, leaksInternals } from '../../support/issuer.js';
import { eventually } from '../../support/receivers.js';
import { Browser, formAction, hidden, signIn, tokensFor, type Page } from '../users/browser.js';
import { API, REDIRECT, startUsersWorld, type UsersWorld } from '../users/setup.js';
import { startRecorder, type Recorder } from './receiver.js';

const PASSWORD = 'correct horse battery';
const USER = 'frank@example.test';
let w: UsersWorld;
let hook: Recorder;
let smtp: ChildProcess;
const mails: { to: string[]; data: string }[] = [];
let offsetMs = 0;

async function startSmtp(): Promise<number> {
  smtp = spawn(process.execPath, [fileURLToPath(new URL('./smtp-process.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: smtp.stdout! });
  return new Promise((resolve) => lines.on('line', (line) => {
    const msg = JSON.parse(line) as { port?: number; to: string[]; data: string };
    if (msg.port) resolve(msg.port);
    else mails.push(msg);
  }));
}

beforeAll(async () => {
  hook = await startRecorder(200);
  const port = await startSmtp();
  // login_failure=25: the fourth wrong password reaches the lockout threshold (100)
  w = await startUsersWorld({
    RISK_SCORES: 'login_failure=25', RISK_WEBHOOK_URL: hook.url, RISK_SMTP_URL: `smtp://127.0.0.1:${port}`, RISK_EMAIL_FROM: 'security@portcullis.test',
    RISK_LOCKOUT_FIRST: '10m', RISK_LOCKOUT_MAX: '1h', RISK_SCORE_WINDOW: '1m',
    RISK_DENY_IPS: '203.0.113.0/24', TRUSTED_PROXIES: '127.0.0.1', // the test acts as the proxy for one deny-list case
  }, { now: () => Date.now() + offsetMs });
  await w.users.add({ username: USER, password: PASSWORD });
});
afterAll(async () => {
  expect(serverErrors(w.t.logs)).toEqual([]);
  await w?.t.close();
  await hook?.close();
  smtp?.kill('SIGTERM');
});

async function attempt(password: string, forwardedFor?: string): Promise<Page> {
  const browser = new Browser();
  const url = new URL(`${w.t.url}/auth`);
  const challenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
  for (const [k, v] of Object.entries({ client_id: 'web', response_type: 'code', redirect_uri: REDIRECT, scope: 'openid read', resource: API, code_challenge: challenge, code_challenge_method: 'S256' })) url.searchParams.set(k, v);
  const page = await browser.request((await browser.request(url.href)).location!);
  const body = new URLSearchParams({ csrf: hidden(page.html, 'csrf')!, username: USER, password }).toString();
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(new URL(formAction(page.html), page.url).href, { method: 'POST', body, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) } });
  const html = await res.text();
  expect(leaksInternals(html)).toBe(false);
  return { status: res.status, url: res.url, html, location: res.headers.get('location') ?? undefined };
}

const admin = (): AdminContext => ({ config: w.t.config, db: w.t.issuer.db, kek: w.t.kek, secret: async () => new Uint8Array(32), subjectKeys: async () => w.t.issuer.risk.keys, close: async () => undefined });
async function run(command: string, args: string[]): Promise<string> {
  const lines: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => { lines.push(String(chunk)); return true; }) as typeof process.stdout.write;
  try { await riskCommands[command].run(admin(), args); } finally { process.stdout.write = write; }
  return lines.join('');
}

describe('risk lockout', () => {
  let refreshToken: string;

  it('refuses a deny-listed address at the login form before any password check', async () => {
    const denied = await attempt(PASSWORD, '203.0.113.5');
    expect(denied.status).toBe(403);
    expect(denied.html).toContain('Too many attempts');
    expect(denied.location).toBeUndefined();
    expect(await listRiskEvents(w.t.issuer.db, { subjectKeys: [w.t.issuer.risk.keys.ofName(USER)] })).toEqual([]); // nothing counted against the user
  });

  it('locks the user after four wrong passwords, refuses the right one, and notifies by webhook and email', async () => {
    refreshToken = (await tokensFor({ config: w.web, redirectUri: REDIRECT, username: USER, password: PASSWORD, params: { resource: API } })).tokens.refresh_token!;
    for (let i = 0; i < 4; i++) expect((await attempt('wrong password!')).html).toContain('The username or password is incorrect.');
    const locked = await attempt(PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.html).toContain('Too many attempts');
    expect(locked.location).toBeUndefined();

    // no new token for a locked user either (oidc-provider keeps the reason in error_detail, not shown)
    await expect(client.refreshTokenGrant(w.web, refreshToken, { resource: API })).rejects.toMatchObject({ error: 'invalid_grant' });

    await eventually('webhook notification', 5000, () => hook.bodies.length > 0);
    expect(hook.bodies[0].contentType).toBe('application/jwt');
    const { payload, protectedHeader } = await jwtVerify(hook.bodies[0].body, createRemoteJWKSet(new URL(`${w.t.url}/jwks`)), { issuer: w.t.url, audience: 'risk-webhook', typ: NOTIFICATION_TYP });
    expect(protectedHeader.typ).toBe(NOTIFICATION_TYP);
    expect(payload).toMatchObject({ type: 'locked_out', username: USER, details: { seconds: 600 } });

    await eventually('email', 5000, () => mails.length > 0);
    expect(mails[0].to).toEqual([USER]);
    expect(mails[0].data).toContain('Subject: Your account is temporarily locked');
    expect(mails[0].data).toContain('X-Portcullis-Notification: locked_out');
  });

  it('`user unlock` ends the lockout and records an override; `events list` and `events stats` show it', async () => {
    expect(await run('user unlock', [USER])).toContain(`user ${USER} unlocked`);
    offsetMs += 2000; // each process caches a lockout lookup for a second
    expect((await attempt(PASSWORD)).status).toBe(303);
    expect((await client.refreshTokenGrant(w.web, refreshToken, { resource: API })).access_token).toEqual(expect.any(String));
    await expect(run('user unlock', [USER])).rejects.toThrow('is not locked out');
    const listed = await run('events list', ['--subject', USER, '--since', '1h']);
    expect(listed).toMatch(/override\tunlock/);
    expect(listed).toMatch(/decision\tlockout/);
    expect(await run('events list', ['--subject', USER, '--kind', 'override'])).not.toMatch(/signal/);
    await expect(run('events list', ['--kind', 'bogus'])).rejects.toThrow('--kind is one of');
    const stats = await riskEventStats(w.t.issuer.db, new Date(Date.now() - 3_600_000));
    expect(stats).toMatchObject({ lockouts: 1, overrides: 1, overrideRate: 1 });
    expect(await run('events stats', [])).toContain('override rate 100.0%');
  });

  it('a second lockout lasts twice as long and ends by itself on the injected clock', async () => {
    offsetMs += 2 * 60_000; // the earlier failures left the score window
    for (let i = 0; i < 4; i++) await attempt('wrong password!');
    expect((await attempt(PASSWORD)).status).toBe(429);
    const decision = (await listRiskEvents(w.t.issuer.db, { subjectKeys: [w.t.issuer.risk.keys.ofName(USER)], kind: 'decision', name: 'lockout' }))[0];
    expect(decision).toBeDefined();
    const row = await w.t.issuer.db.prisma.riskLockout.findUnique({ where: { key: personLockout(w.t.issuer.risk.keys.ofName(USER)) } });
    expect(row?.level).toBe(2);
    offsetMs += 19 * 60_000;
    expect((await attempt(PASSWORD)).status).toBe(429); // 20 minutes, not yet over
    offsetMs += 2 * 60_000;
    expect((await attempt(PASSWORD)).status).toBe(303);
  });

  it('a lockout that starts while consent is pending does not break the resume (regression), and the code gives no token', async () => {
    await w.users.add({ username: 'ivy', password: PASSWORD });
    const pending = await signIn({ config: w.web, redirectUri: REDIRECT, username: 'ivy', password: PASSWORD, params: { resource: API }, consent: false });
    const consentPage = pending.pages.at(-1)!;
    expect(consentPage.html).toContain('/consent"');
    for (let i = 0; i < 4; i++) await w.t.issuer.risk.loginFailed('ivy', '127.0.0.1');
    offsetMs += 2000;
    const done = await pending.browser.submit(consentPage, {}, REDIRECT, 'consent');
    expect(done.status).toBeLessThan(500);
    expect(done.location?.startsWith(REDIRECT)).toBe(true);
    const callback = new URL(done.location!);
    await expect(client.authorizationCodeGrant(w.web, callback, { pkceCodeVerifier: pending.verifier, expectedState: pending.state })).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
