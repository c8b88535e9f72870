/**
 * The Portcullis resource-server SDK (package export "portcullis/sdk"): verify
 * access tokens locally (or by introspection), check DPoP / mTLS binding, and
 * authorize requests in Koa or Express.
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
export { requireToken, requirePermissions, requireAuthorizationDetails } from './koa.js';
export { expressRequireToken } from './express.js';
export { authenticate, challenge } from './authenticate.js';
export type { RequireTokenOptions } from './authenticate.js';
export { createDpopNonces } from './dpop-nonces.js';
export type { DpopNonces } from './dpop-nonces.js';
export type { DpopPolicy } from './check-binding.js';
export { createReplayCache, createCertificateSource, certificateThumbprint } from '../binding/index.js';
export type { ReplayCache, CertificateSource } from '../binding/index.js';
export { createFingerprintCheck } from './fingerprint.js';
export type { FingerprintCheckOptions } from './fingerprint.js';
