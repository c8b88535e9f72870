/**
 * Koa middleware for resource servers: `requireToken` authenticates the request
 * and puts the verified token on `ctx.state.accessToken`; `requirePermissions` and
 * `requireAuthorizationDetails` authorize on its claims (403 insufficient_scope).
 */
import type { AuthorizationDetail, VerifiedAccessToken } from '../verify/claims.js';
import { AccessTokenError } from '../verify/errors.js';
import type { Verifier } from '../verify/verifier.js';
import { authenticate, failure, type RequireTokenOptions } from './authenticate.js';
import { detailsAuthorization, permissionsAuthorization, type Authorization } from './authorize.js';
import type { KoaContext, KoaMiddleware } from './koa-context.js';

function respond(ctx: KoaContext, err: AccessTokenError, opts: RequireTokenOptions): void {
  const { status, headers, body } = failure(err, ctx.req, opts);
  ctx.status = status;
  ctx.set(headers);
  ctx.body = body;
}

/** Authenticates the request; on failure answers 400/401 with a WWW-Authenticate challenge (and a DPoP-Nonce when one is required). */
export function requireToken(verifier: Verifier, opts: RequireTokenOptions = {}): KoaMiddleware {
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

function authorize(check: Authorization): KoaMiddleware {
  return async function authorizeToken(ctx, next) {
    const token = ctx.state.accessToken as VerifiedAccessToken | undefined;
    if (!token) throw new TypeError('requireToken() must run before authorization middleware');
    if (!check.allows(token)) return respond(ctx, new AccessTokenError('insufficient_scope', check.reason), ctx.state.accessTokenOptions as RequireTokenOptions);
    await next();
  };
}

/** Every listed permission must be in the token's `permissions` claim. */
export function requirePermissions(...permissions: string[]): KoaMiddleware {
  return authorize(permissionsAuthorization(permissions));
}

/** Some `authorization_details` entry of `type` must satisfy `predicate` (RFC 9396 §9); it also gets `ctx`. */
export function requireAuthorizationDetails(
  type: string,
  predicate: (detail: AuthorizationDetail, ctx: KoaContext) => boolean = () => true,
): KoaMiddleware {
  return async function authorizeDetails(ctx, next) {
    return authorize(detailsAuthorization(type, (d) => predicate(d, ctx)))(ctx, next);
  };
}
