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
import { BindingError, createReplayCache, verifyDpopProof } from '../binding/index.js';
import { InvalidToken } from '../errors/index.js';
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

/** The handlers of the routes above, by path. */
export function fingerprintRoutes(deps: FingerprintRouteDeps): Record<string, Middleware> {
  const replay = createReplayCache();
  return {
    '/fingerprint.js': async (ctx) => send(ctx, 'application/javascript; charset=utf-8', deps.script, 'public, max-age=3600'),
    '/.well-known/fingerprint-disclosure': async (ctx) => send(ctx, 'application/json', deps.disclosure, 'public, max-age=3600'),
    '/privacy': async (ctx) => send(ctx, 'text/html; charset=utf-8', deps.privacyPage, 'public, max-age=3600'),
    [ACCOUNT_PATH]: (ctx) => myData(ctx, deps, replay),
  };
}

function send(ctx: Context, type: string, body: unknown, cache: string): void {
  ctx.type = type;
  ctx.set('Cache-Control', cache);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.body = body;
}

const SCHEME = /^(Bearer|DPoP) ([A-Za-z0-9._~+/-]+=*)$/;

/** The user behind the request's access token, checked as introspection would check it. */
async function caller(ctx: Context, deps: FingerprintRouteDeps, replay: ReturnType<typeof createReplayCache>): Promise<string> {
  const [, scheme, token] = SCHEME.exec(ctx.get('authorization')) ?? [];
  if (!token) throw Object.assign(new InvalidToken('no bearer token'), { headers: { 'WWW-Authenticate': 'Bearer' } });
  const opened = await deps.tokens.open(token);
  const claims = opened?.claims as Record<string, unknown> | undefined;
  if (!claims || claims.kind !== 'AccessToken') throw new InvalidToken('not an active user access token');
  if (claims.aud !== deps.accountAudience) throw new InvalidToken(`audience ${String(claims.aud)} is not the account audience`);
  const jkt = (claims.cnf as { jkt?: string } | undefined)?.jkt;
  if (jkt) {
    // RFC 9449 §7.1: a DPoP-bound token comes with the DPoP scheme and a proof for this request
    if (scheme !== 'DPoP') throw new InvalidToken('DPoP-bound token sent as Bearer');
    try {
      await verifyDpopProof(ctx.get('dpop'), { htm: ctx.method, htu: `${deps.issuer}${ctx.path}`, accessToken: token, jkt, replay, maxAge: deps.clockTolerance || 60 });
    } catch (err) {
      if (err instanceof BindingError) throw new InvalidToken(err.code);
      throw err;
    }
  }
  const presented = ctx.get(FINGERPRINT_HEADER) || undefined;
  const ok = await deps.service.verify({
    claims: { sub: String(claims.sub), fpp: claims.fpp, fpd: claims.fpd }, presented, policy: await deps.policy(String(claims.client_id)), clientId: String(claims.client_id),
  });
  if (!ok) throw new InvalidToken('fingerprint mismatch');
  return String(claims.sub);
}

async function myData(ctx: Context, deps: FingerprintRouteDeps, replay: ReturnType<typeof createReplayCache>): Promise<void> {
  ctx.set('Cache-Control', 'no-store');
  const userId = await caller(ctx, deps, replay);
  if (ctx.method === 'DELETE') {
    await deps.eraseUser(userId);
    ctx.status = 204;
    return;
  }
  const data = await deps.exportUser(userId);
  if (!data) throw new InvalidToken('no such user');
  ctx.type = 'application/json';
  ctx.set('Content-Disposition', 'attachment; filename="portcullis-data.json"');
  ctx.body = data;
}
