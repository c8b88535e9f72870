/**
 * The account pages people use on their own, server-rendered, every form working
 * without JavaScript:
 *   /account/password/forgot, /account/password/reset   forgotten password (reset-routes.ts)
 *   /account and its actions                            the signed-in account page (account-routes.ts)
 * Failures render an HTML page with a 4xx status and a plain message; anything
 * unexpected is logged and shown as a generic 500 page, never with details.
 */
import type { Context, Middleware } from 'koa';
import { contentSecurityPolicy, errorPage, FormError } from '../interactions/index.js';
import type { AccountDeps } from './deps.js';
import { requestReset, showForgot, showReset, useReset } from './reset-routes.js';
import { FORGOT_PATH, RESET_PATH } from './reset-pages.js';
import { changePassword, downloadData, endSession, enrolTotp, erase, removeTotp, setFingerprinting, showAccount } from './account-routes.js';
import { callback, CALLBACK_PATH } from './sign-in.js';

type Handler = (deps: AccountDeps, ctx: Context) => Promise<void>;
const PAGES: Record<string, { GET?: Handler; POST?: Handler }> = {
  [FORGOT_PATH]: { GET: showForgot, POST: requestReset },
  [RESET_PATH]: { GET: showReset, POST: useReset },
  '/account': { GET: showAccount },
  [CALLBACK_PATH]: { GET: callback },
  '/account/password': { POST: changePassword },
  '/account/totp/enrol': { POST: enrolTotp },
  '/account/totp/remove': { POST: removeTotp },
  '/account/sessions/end': { POST: endSession },
  '/account/privacy/fingerprint': { POST: setFingerprinting },
  '/account/data': { POST: downloadData },
  '/account/erase': { POST: erase },
};

/** The account paths, for the route table. */
export const ACCOUNT_PATHS = Object.keys(PAGES);

/** One middleware serving every account path. */
export function accountRoutes(deps: AccountDeps): Middleware {
  return async function serveAccount(ctx: Context): Promise<void> {
    pageHeaders(ctx);
    try {
      const page = PAGES[ctx.path];
      const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
      const handler = page?.[method as 'GET' | 'POST'];
      if (!page) throw new FormError(404, 'This page does not exist.');
      if (!handler) throw new FormError(405, 'This page cannot be used that way.');
      await handler(deps, ctx);
    } catch (err) {
      renderFailure(deps, ctx, err);
    }
  };
}

function renderFailure(deps: AccountDeps, ctx: Context, err: unknown): void {
  const known = err instanceof FormError ? err : undefined;
  if (known) deps.log.warn({ status: known.status, reason: known.message, requestId: ctx.state.requestId }, 'account page refused');
  else deps.log.error({ err, requestId: ctx.state.requestId }, 'account page failed');
  ctx.status = known?.status ?? 500;
  ctx.type = 'html';
  ctx.body = known ? errorPage('Cannot continue', known.message, deps.brand) : errorPage('Something went wrong', 'Please try again later.', deps.brand);
}

function pageHeaders(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Content-Security-Policy', contentSecurityPolicy());
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  // the reset link's secret is in the URL: never sent on as a Referer
  ctx.set('Referrer-Policy', 'no-referrer');
}
