/**
 * Sender-constrained tokens: DPoP proofs (RFC 9449) and certificate binding
 * (RFC 8705). Used by the issuer (introspection's binding check, client
 * certificates) and by the resource-server SDK.
 */
export { verifyDpopProof, DPOP_ALGORITHMS } from './dpop-proof.js';
export type { DpopExpectation, VerifiedDpopProof } from './dpop-proof.js';
export { createReplayCache, withReplayHook } from './replay-cache.js';
export type { ReplayCache, ReplayCacheOptions } from './replay-cache.js';
export { certificateThumbprint, accessTokenHash } from './thumbprint.js';
export { createCertificateSource, parseTrustedProxies } from './certificate-source.js';
export type { CertificateSource, CertificateSourceOptions, ClientCertificate } from './certificate-source.js';
export { certificateSubjectMatches } from './subject-match.js';
export { BindingError, BINDING_ERROR_MESSAGE } from './errors.js';
export type { BindingErrorCode } from './errors.js';
