/**
 * Koa middleware for resource servers: `requireToken` authenticates the request
 * and puts the verified token on `ctx.state.accessToken`; `requirePermissions` and
 * `requireAuthorizationDetails` authorize on its claims (403 insufficient_scope).
 */
import type { Context, Next } from 'koa';
import type { AuthorizationDetail, VerifiedAccessToken } from './claims.js';
import { authenticate, failure, type RequireTokenOptions } from './authenticate.js';
import { AccessTokenError } from './errors.js';
import type { Verifier } from './verifier.js';

type Middleware = (ctx: Context, next: Next) => Promise<void>;

function respond(ctx: Context, err: AccessTokenError, opts: RequireTokenOptions): void {
  const { status, headers, body } = failure(err, ctx.req, opts);
  ctx.status = status;
  ctx.set(headers);
  ctx.body = body;
}

/** Authenticates the request; on failure answers 400/401 with a WWW-Authenticate challenge. */
export function requireToken(verifier: Verifier, opts: RequireTokenOptions = {}): Middleware {
  return async function requireAccessToken(ctx, next) {
    try {
      ctx.state.accessToken = await authenticate(ctx.req, verifier, opts);
      ctx.state.accessTokenOptions = opts;
    } catch (err) {
      if (!(err instanceof AccessTokenError)) throw err;
      ctx.state.accessTokenError = err.reason;
      return respond(ctx, err, opts);
    }
    await next();
  };
}

function authorize(predicate: (token: VerifiedAccessToken) => boolean, reason: string): Middleware {
  return async function authorizeToken(ctx, next) {
    const token = ctx.state.accessToken as VerifiedAccessToken | undefined;
    if (!token) throw new TypeError('requireToken() must run before authorization middleware');
    if (!predicate(token)) return respond(ctx, new AccessTokenError('insufficient_scope', reason), ctx.state.accessTokenOptions as RequireTokenOptions);
    await next();
  };
}

/** Every listed permission must be in the token's `permissions` claim. */
export function requirePermissions(...permissions: string[]): Middleware {
  return authorize((t) => {
    const granted = Array.isArray(t.claims.permissions) ? t.claims.permissions : [];
    return permissions.every((p) => granted.includes(p));
  }, 'ERR_PERMISSIONS');
}

/** Some `authorization_details` entry of `type` must satisfy `predicate` (RFC 9396 §9). */
export function requireAuthorizationDetails(type: string, predicate: (detail: AuthorizationDetail) => boolean = () => true): Middleware {
  return authorize((t) => {
    const details = Array.isArray(t.claims.authorization_details) ? t.claims.authorization_details : [];
    return details.some((d) => d?.type === type && predicate(d));
  }, 'ERR_AUTHORIZATION_DETAILS');
}
