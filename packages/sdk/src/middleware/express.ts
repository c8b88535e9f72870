/**
 * The same checks for Express and any (req, res, next) server: `expressRequireToken`
 * puts the verified token on `req.accessToken`; `expressRequirePermissions` and
 * `expressRequireAuthorizationDetails` authorize on its claims (403 insufficient_scope).
 * Failures are answered here, as the Koa middleware does; other errors go to `next`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthorizationDetail, VerifiedAccessToken } from '../verify/claims.js';
import { AccessTokenError } from '../verify/errors.js';
import type { Verifier } from '../verify/verifier.js';
import { authenticate, failure, type RequireTokenOptions } from './authenticate.js';
import { detailsAuthorization, permissionsAuthorization, type Authorization } from './authorize.js';

/** A request as the Express middleware leaves it. */
export type TokenRequest = IncomingMessage & { accessToken?: VerifiedAccessToken; accessTokenOptions?: RequireTokenOptions };

/** An Express-style middleware. */
export type ExpressMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

function respond(req: IncomingMessage, res: ServerResponse, err: AccessTokenError, opts: RequireTokenOptions): void {
  const { status, headers, body } = failure(err, req, opts);
  res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Express-compatible `requireToken`. */
export function expressRequireToken(verifier: Verifier, opts: RequireTokenOptions = {}): ExpressMiddleware {
  return (req, res, next) => {
    authenticate(req, verifier, opts).then((token) => {
      Object.assign(req, { accessToken: token, accessTokenOptions: opts });
      next();
    }, (err: unknown) => {
      if (!(err instanceof AccessTokenError)) return next(err);
      respond(req, res, err, opts);
    });
  };
}

function authorize(check: Authorization): ExpressMiddleware {
  return (req, res, next) => {
    const { accessToken, accessTokenOptions } = req as TokenRequest;
    if (!accessToken) return next(new TypeError('expressRequireToken() must run before authorization middleware'));
    if (!check.allows(accessToken)) return respond(req, res, new AccessTokenError('insufficient_scope', check.reason), accessTokenOptions ?? {});
    next();
  };
}

/** Express-compatible `requirePermissions`. */
export function expressRequirePermissions(...permissions: string[]): ExpressMiddleware {
  return authorize(permissionsAuthorization(permissions));
}

/** Express-compatible `requireAuthorizationDetails`; the predicate also gets the request. */
export function expressRequireAuthorizationDetails(
  type: string,
  predicate: (detail: AuthorizationDetail, req: TokenRequest) => boolean = () => true,
): ExpressMiddleware {
  return (req, res, next) => authorize(detailsAuthorization(type, (d) => predicate(d, req as TokenRequest)))(req, res, next);
}
