/** Access tokens presented to the issuer as a resource server: /me/data and API gateways. */
export { presentedToken, invalidToken } from './presented-token.js';
export type { PresentedRequest, PresentedTokenDeps, PresentedClaims } from './presented-token.js';
