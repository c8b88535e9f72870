/**
 * Koa routes for Portcullis's own login and consent pages, in front of oidc-provider:
 *   GET  /interaction/:uid            the page the current prompt needs
 *   POST /interaction/:uid/login      username and password
 *   POST /interaction/:uid/totp       the one-time code
 *   POST /interaction/:uid/consent    allow
 *   POST /interaction/:uid/abort      deny
 * Failures render an HTML page with a 4xx status and a plain message; anything
 * unexpected is logged and shown as a generic 500 page, never with details.
 */
import type { Context, Next } from 'koa';
import { checkCsrf, FormError, readForm } from './form.js';
import { errorPage } from './pages.js';
import { setPagePolicy } from './csp.js';
import { INTERACTION_PREFIX, SignInExpired, type PendingSignIn } from '../oidc/index.js';
import { abort, consent, login, show, totp, type StepDeps } from './steps.js';

interface Logger { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
export interface InteractionDeps extends StepDeps { log: Logger }

const ROUTE = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|totp|consent|abort))?$/;
const STEPS = { login, totp, consent, abort } as const;

/** Middleware serving the interaction pages. */
export function interactionRoutes(deps: InteractionDeps) {
  return async function serveInteraction(ctx: Context, next: Next): Promise<void> {
    if (!ctx.path.startsWith(INTERACTION_PREFIX)) return next();
    pageHeaders(ctx);
    try {
      const [, uid, step] = ROUTE.exec(ctx.path) ?? [];
      if (!uid) throw new FormError(404, 'This page does not exist.');
      if (step ? ctx.method !== 'POST' : !['GET', 'HEAD'].includes(ctx.method)) throw new FormError(405, 'This page cannot be used that way.');
      const form = step ? await readForm(ctx) : undefined;
      const interaction = await loadInteraction(deps, ctx, uid);
      setPagePolicy(ctx, { redirectUri: interaction.params.redirect_uri });
      if (!step || !form) return await show(deps, ctx, interaction);
      checkCsrf(deps.csrfKey, uid, form);
      await STEPS[step as keyof typeof STEPS](deps, ctx, interaction, form);
    } catch (err) {
      renderFailure(deps, ctx, err);
    }
  };
}

/** The interaction named by the signed interaction cookie, which must be the one in the path. */
async function loadInteraction(deps: StepDeps, ctx: Context, uid: string): Promise<PendingSignIn> {
  const expired = () => new FormError(400, 'This sign-in has expired or was not started here. Go back to the app and sign in again.');
  const interaction = await deps.signIn.details(ctx).catch((err: unknown) => {
    throw err instanceof SignInExpired ? expired() : err;
  });
  if (interaction.uid !== uid) throw expired();
  return interaction;
}

function renderFailure({ log, brand }: InteractionDeps, ctx: Context, err: unknown): void {
  const known = err instanceof FormError ? err : undefined;
  if (known) log.warn({ status: known.status, reason: known.message, requestId: ctx.state.requestId }, 'interaction refused');
  else log.error({ err, requestId: ctx.state.requestId }, 'interaction failed');
  ctx.status = known?.status ?? 500;
  ctx.type = 'html';
  ctx.body = known ? errorPage('Cannot continue', known.message, brand) : errorPage('Something went wrong', 'Please go back to the app and try again.', brand);
}

function pageHeaders(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
  setPagePolicy(ctx);
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
}
