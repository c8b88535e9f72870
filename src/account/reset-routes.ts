/**
 * The forgotten-password flow:
 *   GET  /account/password/forgot    the form
 *   POST /account/password/forgot    same answer, same time, for every address: the user
 *                                    lookup, the link and the e-mail happen after the answer
 *   GET  /account/password/reset     the new-password form, for a live link (?token=)
 *   POST /account/password/reset     uses the link once: new password, every session and
 *                                    refresh token of the user ends, lockouts end, the user is told
 * Requests are throttled per address and per account (THROTTLE_RESET), before any work.
 */
import type { Context } from 'koa';
import { FormError, readForm } from '../interactions/index.js';
import { mailable } from '../risk/index.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../users/index.js';
import type { AccountDeps } from './deps.js';
import { checkFormToken, formId, formToken } from './form-token.js';
import { sendResetMail } from './reset-mail.js';
import { FORGOT_PATH, forgotPage, forgotSentPage, resetDonePage, resetExpiredPage, resetPage, RESET_PATH } from './reset-pages.js';
import { html, throttled } from './respond.js';

const minutes = (deps: AccountDeps) => Math.max(1, Math.round(deps.resetTtlSec / 60));

export async function showForgot(deps: AccountDeps, ctx: Context): Promise<void> {
  html(ctx, forgotPage({ brand: deps.brand, csrf: formToken(deps.csrfKey, formId(ctx, deps.secureCookies), 'forgot') }));
}

export async function requestReset(deps: AccountDeps, ctx: Context): Promise<void> {
  const form = await readForm(ctx);
  checkFormToken(deps.csrfKey, ctx, form, 'forgot');
  const typed = (form.get('username') ?? '').trim().slice(0, 254);
  if (!typed) {
    ctx.status = 400;
    return html(ctx, forgotPage({ brand: deps.brand, csrf: form.get('csrf') ?? '', error: 'Enter the e-mail address you sign in with.' }));
  }
  if (!await throttled(deps, ctx, 'reset', deps.keys.ofName(typed))) return;
  // after the answer is fixed: nothing below changes what or when this request answers
  setImmediate(() => void sendLink(deps, typed).catch((err: unknown) => deps.log.warn({ err: String(err) }, 'password reset link not sent')));
  html(ctx, forgotSentPage(minutes(deps), deps.brand));
}

async function sendLink(deps: AccountDeps, typed: string): Promise<void> {
  const user = await deps.users.find(typed);
  if (!user || user.disabled || user.username !== typed) return; // by name only, never by id
  if (!deps.smtp || !mailable(user.username)) return;
  const token = await deps.resets.issue(user.id);
  await sendResetMail({ smtpUrl: deps.smtp.url, from: deps.smtp.from, to: user.username, link: `${deps.issuer}${RESET_PATH}?token=${token}`, minutes: minutes(deps) });
}

export async function showReset(deps: AccountDeps, ctx: Context): Promise<void> {
  const token = typeof ctx.query.token === 'string' ? ctx.query.token : '';
  if (!await deps.resets.peek(token)) {
    ctx.status = 400;
    return html(ctx, resetExpiredPage(deps.brand));
  }
  html(ctx, resetPage({ brand: deps.brand, csrf: formToken(deps.csrfKey, formId(ctx, deps.secureCookies), 'reset'), token }));
}

export async function useReset(deps: AccountDeps, ctx: Context): Promise<void> {
  const form = await readForm(ctx);
  checkFormToken(deps.csrfKey, ctx, form, 'reset');
  if (!await throttled(deps, ctx, 'reset')) return;
  const token = form.get('token') ?? '';
  const password = form.get('password') ?? '';
  const problem = passwordProblem(password, form.get('confirm') ?? '');
  if (problem) {
    if (!await deps.resets.peek(token)) throw new FormError(400, 'This link has expired or was already used. Ask for a new one.');
    ctx.status = 400;
    return html(ctx, resetPage({ brand: deps.brand, csrf: form.get('csrf') ?? '', token, error: problem }));
  }
  const userId = await deps.resets.consume(token);
  if (!userId) {
    ctx.status = 400;
    return html(ctx, resetExpiredPage(deps.brand));
  }
  await deps.users.setPassword(userId, password);
  await deps.resets.forget(userId);
  await deps.endSessions(userId, {});
  const user = await deps.users.find(userId);
  if (user) await deps.unlock(user.username);
  await deps.notify(userId, 'password_changed');
  html(ctx, resetDonePage(deps.brand));
}

/** What is wrong with a new password and its confirmation, in words for the form. */
export function passwordProblem(password: string, confirm: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `The password must be at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `The password must be at most ${MAX_PASSWORD_LENGTH} characters.`;
  if (password !== confirm) return 'The two passwords are not the same.';
  return undefined;
}

export const RESET_ROUTES = { forgot: FORGOT_PATH, reset: RESET_PATH } as const;
