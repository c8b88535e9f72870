/**
 * The Portcullis resource-server SDK (`@portcullis/sdk`): verify access tokens locally
 * or by introspection, check DPoP / mTLS binding, authorize requests in Koa or
 * Express, receive security events, and check device fingerprints. The token format,
 * binding and fingerprint primitives underneath are the `/token`, `/binding` and
 * `/fingerprint` entry points.
 */
export {
  createVerifier, verifyAccessToken, createIntrospectionVerifier, createJwksCache, AccessTokenError,
} from './verify/index.js';
export type {
  Verifier, VerifierOptions, VerifyAccessTokenOptions, IntrospectionVerifier, IntrospectionVerifierOptions, JwksCache,
  JwksCacheOptions, AccessTokenErrorCode, AuthorizationDetail, Binding, PortcullisClaims, Presentation,
  VerifiedAccessToken, RevocationView, RevokableToken, DpopPolicy,
} from './verify/index.js';
export {
  requireToken, requirePermissions, requireAuthorizationDetails, expressRequireToken, expressRequirePermissions,
  expressRequireAuthorizationDetails, authenticate, challenge,
} from './middleware/index.js';
export type { KoaContext, KoaMiddleware, KoaNext, ExpressMiddleware, TokenRequest, RequireTokenOptions } from './middleware/index.js';
export { createSetReceiver, createSetPoller, createRevocationView, verifySet, SetVerificationError } from './receiver/index.js';
export type {
  SetReceiver, SetReceiverOptions, ReceiverStats, SetPoller, SetPollerOptions, ReceiverRevocationView, ViewOptions,
  VerifiedSet, VerifySetOptions, SetErrorCode,
} from './receiver/index.js';
export { createDpopNonces, createReplayCache, createCertificateSource, certificateThumbprint } from './binding/index.js';
export type { DpopNonces, ReplayCache, ReplayCacheOptions, CertificateSource, CertificateSourceOptions, ClientCertificate } from './binding/index.js';
export { createFingerprintCheck } from './fingerprint/index.js';
export type { FingerprintCheck, FingerprintCheckOptions } from './fingerprint/index.js';
