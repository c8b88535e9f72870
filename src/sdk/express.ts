/**
 * The same check for Express-style (req, res, next) servers: the verified token
 * lands on `req.accessToken`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, failure, type RequireTokenOptions } from './authenticate.js';
import type { VerifiedAccessToken } from './claims.js';
import { AccessTokenError } from './errors.js';
import type { Verifier } from './verifier.js';

/** Express-compatible `requireToken`. */
export function expressRequireToken(verifier: Verifier, opts: RequireTokenOptions = {}) {
  return (req: IncomingMessage & { accessToken?: VerifiedAccessToken }, res: ServerResponse, next: (err?: unknown) => void): void => {
    authenticate(req, verifier, opts).then((token) => {
      req.accessToken = token;
      next();
    }, (err: unknown) => {
      if (!(err instanceof AccessTokenError)) return next(err);
      const { status, headers, body } = failure(err, req, opts);
      res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  };
}
