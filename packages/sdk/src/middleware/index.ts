/**
 * Request handling for resource servers: Koa middleware and its Express twins, with
 * the same checks (token, permissions, authorization details) and the same RFC 6750 /
 * RFC 9449 challenges, DPoP nonces included.
 */
export { requireToken, requirePermissions, requireAuthorizationDetails } from './koa.js';
export type { KoaContext, KoaMiddleware, KoaNext } from './koa-context.js';
export { expressRequireToken, expressRequirePermissions, expressRequireAuthorizationDetails } from './express.js';
export type { ExpressMiddleware, TokenRequest } from './express.js';
export { authenticate, challenge } from './authenticate.js';
export type { RequireTokenOptions } from './authenticate.js';
