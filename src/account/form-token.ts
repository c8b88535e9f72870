/**
 * CSRF protection for the account pages (OWASP's signed double-submit cookie): the
 * browser holds a random id in an HttpOnly, SameSite=Strict cookie, and every form
 * carries an HMAC of that id and the form's purpose under the deployment's CSRF key. A
 * page on another origin can neither read the cookie nor compute the token, and a
 * cross-site post does not even send the cookie.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { FormError } from '../interactions/index.js';

export const FORM_COOKIE = 'portcullis.form';
const ID = /^[A-Za-z0-9_-]{22}$/;

/** The browser's form id, given it (a new cookie) when it has none. */
export function formId(ctx: Context, secure: boolean): string {
  const existing = ctx.cookies.get(FORM_COOKIE, { signed: false });
  if (existing && ID.test(existing)) return existing;
  const id = randomBytes(16).toString('base64url');
  ctx.append('Set-Cookie', `${FORM_COOKIE}=${id}; Path=/account; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`);
  return id;
}

/** The token a form for `purpose` carries in this browser. */
export function formToken(key: Uint8Array, id: string, purpose: string): string {
  return createHmac('sha256', key).update(`account-form\0${purpose}\0${id}`).digest('base64url');
}

/** Throws 403 unless the form carries this browser's token for `purpose`. */
export function checkFormToken(key: Uint8Array, ctx: Context, form: URLSearchParams, purpose: string): void {
  const id = ctx.cookies.get(FORM_COOKIE, { signed: false });
  const given = Buffer.from(form.get('csrf') ?? '');
  const expected = Buffer.from(id && ID.test(id) ? formToken(key, id, purpose) : '');
  if (!expected.length || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new FormError(403, 'This form has expired or did not come from this site. Reload the page and try again.');
  }
}
