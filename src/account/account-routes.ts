/**
 * The signed-in account page and its actions:
 *   GET  /account                  the page (or off to sign in)
 *   GET  /account/callback         back from signing in (sign-in.ts)
 *   POST /account/password         change the password (asks for the current one)
 *   POST /account/totp/enrol       set up TOTP: QR code and recovery codes, shown once
 *   POST /account/totp/remove      remove TOTP, after a fresh sign-in with it
 *   POST /account/sessions/end     sign one of the person's own sessions out
 *   POST /account/privacy/fingerprint   device fingerprinting off (or on) for the person
 *   POST /account/data             download the person's data (as GET /me/data)
 *   POST /account/erase            erase the account (after a confirmation)
 * Every POST carries this browser's CSRF token for its purpose and is throttled per
 * address and per person (THROTTLE_ACCOUNT); a wrong current password counts towards
 * the person's lockout there.
 */
import type { Context } from 'koa';
import QRCode from 'qrcode';
import { FormError, readForm } from '../interactions/index.js';
import { OPT_OUT_COOKIE } from '../fingerprint/index.js';
import type { SignedIn } from '../oidc/index.js';
import { ACR_MFA, newRecoveryCodes, recoveryCodesLeft, sessionsOf } from '../users/index.js';
import type { AccountDeps } from './deps.js';
import { checkFormToken, formId, formToken } from './form-token.js';
import { accountPage, enrolledPage, erasedPage, eraseConfirmPage, signedOutAccountPage, type AccountView } from './page.js';
import { passwordProblem } from './reset-routes.js';
import { html, throttled } from './respond.js';
import { sendToSignIn } from './sign-in.js';

const FRESH_MFA_SEC = 300;

/** GET /account. */
export async function showAccount(deps: AccountDeps, ctx: Context): Promise<void> {
  const me = await deps.current(ctx);
  if (!me) {
    if (ctx.query.signin === 'failed') return html(ctx, signedOutAccountPage(deps.brand));
    return sendToSignIn(deps, ctx);
  }
  if (ctx.query.step === 'remove-totp') return removeAfterFreshSignIn(deps, ctx, me);
  html(ctx, accountPage(await view(deps, ctx, me)));
}

async function view(deps: AccountDeps, ctx: Context, me: SignedIn, notice?: AccountView['notice']): Promise<AccountView> {
  const user = await deps.users.findActive(me.accountId);
  if (!user) throw new FormError(403, 'This account cannot be used.');
  const id = formId(ctx, deps.secureCookies);
  const live = new Set((await sessionsOf(deps.db, me.accountId)).map((s) => s.payload.uid));
  const devices = (await deps.devices.list(me.accountId)).filter((d) => live.has(d.uid)).map((d) => ({ ...d, current: d.uid === me.uid }));
  return {
    username: user.username, csrf: (purpose) => formToken(deps.csrfKey, id, purpose), totp: user.totp,
    recoveryLeft: user.totp ? await recoveryCodesLeft(deps.db, me.accountId) : 0, devices, notice, brand: deps.brand, fingerprintOff: user.fingerprintOptOut,
  };
}

/** The signed-in person for a POST: session, CSRF token for `purpose`, throttle. Undefined when answered already. */
async function actor(deps: AccountDeps, ctx: Context, purpose: string): Promise<{ me: SignedIn; form: URLSearchParams } | undefined> {
  const form = await readForm(ctx);
  checkFormToken(deps.csrfKey, ctx, form, purpose);
  const me = await deps.current(ctx);
  if (!me) throw new FormError(401, 'You are not signed in any more. Open your account page again.');
  return (await throttled(deps, ctx, 'account', deps.keys.ofUser(me.accountId))) ? { me, form } : undefined;
}

async function again(deps: AccountDeps, ctx: Context, me: SignedIn, text: string, status = 200): Promise<void> {
  ctx.status = status;
  html(ctx, accountPage(await view(deps, ctx, me, { text, error: status >= 400 })));
}

/** POST /account/password. */
export async function changePassword(deps: AccountDeps, ctx: Context): Promise<void> {
  const a = await actor(deps, ctx, 'password');
  if (!a) return;
  const keys = { ip: deps.clientIp(ctx), subject: deps.keys.ofUser(a.me.accountId) };
  if (!await deps.users.checkPassword(a.me.accountId, a.form.get('current') ?? '')) {
    await deps.throttle?.fail('account', keys);
    return again(deps, ctx, a.me, 'Your current password is not right.', 400);
  }
  const problem = passwordProblem(a.form.get('password') ?? '', a.form.get('confirm') ?? '');
  if (problem) return again(deps, ctx, a.me, problem, 400);
  await deps.throttle?.succeed('account', keys);
  await deps.users.setPassword(a.me.accountId, a.form.get('password')!);
  await deps.resets.forget(a.me.accountId);
  await deps.endSessions(a.me.accountId, { except: a.me.uid });
  await deps.notify(a.me.accountId, 'password_changed');
  return again(deps, ctx, a.me, 'Password changed. Every other browser and app was signed out.');
}

/** POST /account/totp/enrol: a first factor of this kind; replacing one needs the removal first. */
export async function enrolTotp(deps: AccountDeps, ctx: Context): Promise<void> {
  const a = await actor(deps, ctx, 'totp-enrol');
  if (!a) return;
  const user = await deps.users.findActive(a.me.accountId);
  if (!user || user.totp) return again(deps, ctx, a.me, 'An authenticator app is already set up. Remove it first to set up another.', 409);
  const uri = (await deps.users.enrolTotp(user.id))!;
  const codes = await newRecoveryCodes(deps.db, user.id);
  const svg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  await deps.notify(user.id, 'second_factor_changed');
  html(ctx, enrolledPage({ brand: deps.brand, qrDataUri: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`, secret: new URL(uri).searchParams.get('secret') ?? '', codes }));
}

/** POST /account/totp/remove: only within minutes of a sign-in with the second factor; otherwise off to one. */
export async function removeTotp(deps: AccountDeps, ctx: Context): Promise<void> {
  const a = await actor(deps, ctx, 'totp-remove');
  if (!a) return;
  if (!freshMfa(deps, a.me)) return sendToSignIn(deps, ctx, { fresh: true, back: 'remove-totp' });
  await remove(deps, ctx, a.me);
}

/** GET /account?step=remove-totp, back from the fresh sign-in: a confirmation form (a GET never changes anything). */
async function removeAfterFreshSignIn(deps: AccountDeps, ctx: Context, me: SignedIn): Promise<void> {
  const text = freshMfa(deps, me) ? 'You signed in again with your code. Press "Remove the authenticator app" once more to remove it.' : 'Signing in with your code did not happen, so the app was not removed.';
  html(ctx, accountPage(await view(deps, ctx, me, { text, error: !freshMfa(deps, me) })));
}

async function remove(deps: AccountDeps, ctx: Context, me: SignedIn): Promise<void> {
  await deps.users.removeTotp(me.accountId);
  await deps.notify(me.accountId, 'second_factor_changed');
  return again(deps, ctx, me, 'The authenticator app was removed, with its recovery codes.');
}

function freshMfa(deps: AccountDeps, me: SignedIn): boolean {
  const now = Math.floor((deps.now ?? Date.now)() / 1000);
  return me.acr === ACR_MFA && typeof me.loginTs === 'number' && now - me.loginTs <= (deps.freshMfaSec ?? FRESH_MFA_SEC);
}

/** POST /account/sessions/end: one of the person's own sessions; any other uid is simply not theirs. */
export async function endSession(deps: AccountDeps, ctx: Context): Promise<void> {
  const a = await actor(deps, ctx, 'session-end');
  if (!a) return;
  const uid = a.form.get('session') ?? '';
  const mine = (await sessionsOf(deps.db, a.me.accountId)).some((s) => s.payload.uid === uid);
  if (!mine || uid === a.me.uid) return again(deps, ctx, a.me, 'There is no such browser signed in to your account.', 404);
  await deps.endSessions(a.me.accountId, { only: uid });
  await deps.devices.forget([uid]);
  return again(deps, ctx, a.me, 'That browser was signed out; its apps lose their access.');
}

/**
 * POST /account/privacy/fingerprint: device fingerprinting off (every profile deleted,
 * other sessions and their refresh tokens ended, no refresh tokens from now on, and this
 * browser's login page loads no collector) or on again.
 */
export async function setFingerprinting(deps: AccountDeps, ctx: Context): Promise<void> {
  const a = await actor(deps, ctx, 'fingerprint');
  if (!a) return;
  const off = a.form.get('checks') === 'off';
  await deps.users.setFingerprintOptOut(a.me.accountId, off);
  const cookie = `${OPT_OUT_COOKIE}=${off ? '1' : ''}; Path=/; Max-Age=${off ? 400 * 86_400 : 0}; HttpOnly; SameSite=Lax${deps.secureCookies ? '; Secure' : ''}`;
  ctx.append('Set-Cookie', cookie);
  if (off) await deps.endSessions(a.me.accountId, { except: a.me.uid });
  return again(deps, ctx, a.me, off ? 'Device checks are off. Nothing about your devices is kept any more.' : 'Device checks are on again.');
}

/** POST /account/data: the export as a JSON download. */
export async function downloadData(deps: AccountDeps, ctx: Context): Promise<void> {
  const a = await actor(deps, ctx, 'data');
  if (!a) return;
  ctx.type = 'application/json';
  ctx.set('Content-Disposition', 'attachment; filename="my-account-data.json"');
  ctx.body = JSON.stringify(await deps.exportUser(a.me.accountId), null, 2);
}

/** POST /account/erase: first the confirmation page, then (confirm=yes) the erasure. */
export async function erase(deps: AccountDeps, ctx: Context): Promise<void> {
  const a = await actor(deps, ctx, 'erase');
  if (!a) return;
  if (a.form.get('confirm') !== 'yes') return html(ctx, eraseConfirmPage(a.form.get('csrf')!, deps.brand));
  await deps.eraseUser(a.me.accountId);
  html(ctx, erasedPage(deps.brand));
}
