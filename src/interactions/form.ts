/**
 * Reading the interaction forms: url-encoded only, small (a login form is a few kilobytes
 * with its device fingerprint), and CSRF-checked. The CSRF token is an HMAC of the interaction id under a
 * per-deployment key: a page from another origin cannot read it, and the interaction
 * cookie (SameSite=Lax, signed) must match the id as well.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';

// 48 KiB: room for the device fingerprint field (at most 16 KiB of JSON, url-encoded)
export const FORM_LIMIT = 48 * 1024;

/** A refused form post; rendered as an HTML error page with this status. */
export class FormError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'FormError';
  }
}

/** Reads and parses the body, refusing anything but a small url-encoded form. */
export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new FormError(415, 'This form must be sent as a regular web form.');
  if (Number(ctx.get('content-length') || 0) > FORM_LIMIT) throw tooLarge(ctx);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > FORM_LIMIT) throw tooLarge(ctx);
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// Stop reading and close the connection after answering, rather than draining a huge body.
function tooLarge(ctx: Context): FormError {
  ctx.set('Connection', 'close');
  return new FormError(413, 'The form was too large.');
}

/** The CSRF token for one interaction. */
export function csrfToken(key: Uint8Array, uid: string): string {
  return createHmac('sha256', key).update(`interaction:${uid}`).digest('base64url');
}

/** Throws unless the form carries the interaction's CSRF token (compared in constant time). */
export function checkCsrf(key: Uint8Array, uid: string, form: URLSearchParams): void {
  const expected = Buffer.from(csrfToken(key, uid));
  const given = Buffer.from(form.get('csrf') ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new FormError(403, 'This form has expired or did not come from this site. Go back to the app and sign in again.');
  }
}
