/**
 * Verifying access tokens at a resource server: locally with the opening secret
 * (`createVerifier`), or through the issuer's `/introspect` (`createIntrospectionVerifier`),
 * both checking the presenter's DPoP proof or client certificate.
 */
export { createVerifier, verifyAccessToken } from './verifier.js';
export type { Verifier, VerifierOptions, VerifyAccessTokenOptions } from './verifier.js';
export { createIntrospectionVerifier } from './introspection-verifier.js';
export type { IntrospectionVerifier, IntrospectionVerifierOptions } from './introspection-verifier.js';
export { createJwksCache } from './jwks-cache.js';
export type { JwksCache, JwksCacheOptions } from './jwks-cache.js';
export { AccessTokenError } from './errors.js';
export type { AccessTokenErrorCode } from './errors.js';
export type { AuthorizationDetail, Binding, PortcullisClaims, Presentation, VerifiedAccessToken } from './claims.js';
export type { RevocationView, RevokableToken } from './revocation-view.js';
export type { DpopPolicy } from './check-binding.js';
