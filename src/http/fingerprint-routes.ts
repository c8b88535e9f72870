/**
 * Device fingerprint and privacy routes (docs/fingerprint.md):
 *   GET    /fingerprint.js                      the collector (login page only loads it)
 *   GET    /.well-known/fingerprint-disclosure  what is collected, why, how long, opt-out (JSON)
 *   GET    /privacy                             the same for people (linked from the login page)
 *   GET    /me/data                             the caller's data export (a user access token
 *                                                for the account audience `<issuer>/me` only)
 *   DELETE /me/data                             erases the caller and everything about them
 */
import type { Context, Middleware } from 'koa';
import type { TokenService } from '../access-tokens/index.js';
import { createReplayCache, type ReplayCache } from '../binding/index.js';
import { invalidToken, presentedToken } from '../bearer/index.js';
import type { FingerprintPolicy, FingerprintService } from '../fingerprint/index.js';

export interface FingerprintRouteDeps {
  issuer: string;
  tokens: TokenService;
  service: FingerprintService;
  policy(clientId: string): Promise<FingerprintPolicy>;
  script: string;
  disclosure: Record<string, unknown>;
  privacyPage: string;
  exportUser(userId: string): Promise<Record<string, unknown> | undefined>;
  eraseUser(userId: string): Promise<unknown>;
  clockTolerance: number;
  /**
   * The only audience /me/data accepts (`<issuer>/me`, registered like any resource
   * server): a token issued for a resource server cannot be replayed here by it.
   */
  accountAudience: string;
}

/** The account endpoint: a user's export (GET) and erasure (DELETE). */
export const ACCOUNT_PATH = '/me/data';

/** Header a client app (or a user calling /me/data) sends its fingerprint in. */
export const FINGERPRINT_HEADER = 'portcullis-fingerprint';

/**
 * The privacy page is static text: no script, no form, not framed (CSP Level 3); images
 * only for the brand's https logo.
 */
const PRIVACY_PAGE_POLICY = "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The handlers of the routes above, by path. */
export function fingerprintRoutes(deps: FingerprintRouteDeps): Record<string, Middleware> {
  const replay = createReplayCache();
  return {
    '/fingerprint.js': async (ctx) => send(ctx, 'application/javascript; charset=utf-8', deps.script, 'public, max-age=3600'),
    '/.well-known/fingerprint-disclosure': async (ctx) => send(ctx, 'application/json', deps.disclosure, 'public, max-age=3600'),
    '/privacy': async (ctx) => {
      ctx.set('Content-Security-Policy', PRIVACY_PAGE_POLICY);
      send(ctx, 'text/html; charset=utf-8', deps.privacyPage, 'public, max-age=3600');
    },
    [ACCOUNT_PATH]: (ctx) => myData(ctx, deps, replay),
  };
}

function send(ctx: Context, type: string, body: unknown, cache: string): void {
  ctx.type = type;
  ctx.set('Cache-Control', cache);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.body = body;
}

/** The user behind the request's access token, checked as introspection would check it. */
async function caller(ctx: Context, deps: FingerprintRouteDeps, replay: ReplayCache): Promise<string> {
  const claims = await presentedToken({
    authorization: ctx.get('authorization'), dpop: ctx.get('dpop') || undefined, method: ctx.method, url: `${deps.issuer}${ctx.path}`,
    fingerprint: ctx.get(FINGERPRINT_HEADER) || undefined,
  }, { tokens: deps.tokens, fingerprints: deps, replay, proofMaxAge: deps.clockTolerance || 60, realm: deps.issuer });
  if (claims.kind !== 'AccessToken') throw invalidToken(deps.issuer, 'not a user access token');
  if (claims.aud !== deps.accountAudience) throw invalidToken(deps.issuer, `audience ${String(claims.aud)} is not the account audience`);
  return String(claims.sub);
}

async function myData(ctx: Context, deps: FingerprintRouteDeps, replay: ReplayCache): Promise<void> {
  ctx.set('Cache-Control', 'no-store');
  const userId = await caller(ctx, deps, replay);
  if (ctx.method === 'DELETE') {
    await deps.eraseUser(userId);
    ctx.status = 204;
    return;
  }
  const data = await deps.exportUser(userId);
  if (!data) throw invalidToken(deps.issuer, 'no such user');
  ctx.type = 'application/json';
  ctx.set('Content-Disposition', 'attachment; filename="portcullis-data.json"');
  ctx.body = data;
}
