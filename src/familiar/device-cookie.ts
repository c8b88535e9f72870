/**
 * The device cookie: a random id a browser keeps after a successful sign-in, so the
 * login form can tell the owner's browser from anyone else's even on a new network.
 * It identifies nothing by itself (the server stores only an HMAC of it with the
 * person's subject key) and is not a fingerprint: nothing about the device is read.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';

export const DEVICE_COOKIE = 'portcullis.device';
const ID = /^[A-Za-z0-9_-]{22}$/;

/** The id of this browser's device cookie, when it carries a well-formed one. */
export function deviceOf(ctx: Context): string | undefined {
  const value = ctx.cookies.get(DEVICE_COOKIE, { signed: false });
  return value && ID.test(value) ? value : undefined;
}

/** Gives the browser a device cookie (keeps an existing one); answers its id. */
export function ensureDevice(ctx: Context, maxAgeSec: number, secure: boolean): string {
  const id = deviceOf(ctx) ?? randomBytes(16).toString('base64url');
  // RFC 6265bis §4.1: HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site posts)
  ctx.append('Set-Cookie', `${DEVICE_COOKIE}=${id}; Path=/; Max-Age=${Math.floor(maxAgeSec)}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
  return id;
}
