/**
 * Signing in to the account page through the same login as every app: the page is a
 * client of this issuer (`portcullis-account`, registered at start-up, public, PKCE)
 * whose sign-ins skip the consent screen. The page reads the browser's session itself,
 * so the code it gets back is never exchanged; `state` (RFC 6749 §10.12) in a
 * SameSite=Lax cookie ties the callback to the browser that started it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { ACR_MFA } from '../users/index.js';
import type { AccountDeps } from './deps.js';

export const ACCOUNT_CLIENT_ID = 'portcullis-account';
export const CALLBACK_PATH = '/account/callback';
const STATE_COOKIE = 'portcullis.account-state';

/** The redirect URI registered for the account page client. */
export const accountRedirectUri = (issuer: string) => `${issuer}${CALLBACK_PATH}`;

/**
 * Sends the browser to sign in. `fresh`: a new sign-in with the second factor now
 * (max_age=0 and acr_values, OIDC Core §3.1.2.1), for removing that factor.
 */
export function sendToSignIn(deps: AccountDeps, ctx: Context, opts: { fresh?: boolean; back?: string } = {}): void {
  const state = randomBytes(16).toString('base64url');
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const url = new URL(`${deps.issuer}/auth`);
  const params = {
    client_id: ACCOUNT_CLIENT_ID, response_type: 'code', redirect_uri: accountRedirectUri(deps.issuer), scope: 'openid', state,
    code_challenge: challenge, code_challenge_method: 'S256', ...(opts.fresh ? { max_age: '0', acr_values: ACR_MFA } : {}),
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  ctx.append('Set-Cookie', `${STATE_COOKIE}=${state}${opts.back ? `.${opts.back}` : ''}; Path=/account; Max-Age=600; HttpOnly; SameSite=Lax${deps.secureCookies ? '; Secure' : ''}`);
  ctx.status = 303;
  ctx.redirect(url.href);
}

/** GET /account/callback: back from the sign-in; the state must be this browser's. */
export async function callback(deps: AccountDeps, ctx: Context): Promise<void> {
  const given = Buffer.from(typeof ctx.query.state === 'string' ? ctx.query.state : '');
  const [state, back] = (ctx.cookies.get(STATE_COOKIE, { signed: false }) ?? '').split('.');
  const expected = Buffer.from(state ?? '');
  ctx.append('Set-Cookie', `${STATE_COOKIE}=; Path=/account; Max-Age=0; HttpOnly; SameSite=Lax${deps.secureCookies ? '; Secure' : ''}`);
  const ok = expected.length > 0 && given.length === expected.length && timingSafeEqual(given, expected);
  ctx.status = 303;
  if (!ok || ctx.query.error) return ctx.redirect('/account?signin=failed');
  ctx.redirect(back === 'remove-totp' ? '/account?step=remove-totp' : '/account');
}
