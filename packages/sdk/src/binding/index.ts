/**
 * Sender-constrained tokens as primitives: DPoP proof verification (RFC 9449 §4.3,
 * §7.1) with its replay cache and resource-server nonces (§9), and certificate binding
 * (RFC 8705 §3): thumbprints and where a request's client certificate comes from. The
 * verifiers in the package root use these; the issuer checks proofs with them too.
 */
export { verifyDpopProof, DPOP_ALGORITHMS } from './dpop-proof.js';
export type { DpopExpectation, VerifiedDpopProof } from './dpop-proof.js';
export { createReplayCache, withReplayHook } from './replay-cache.js';
export type { ReplayCache, ReplayCacheOptions } from './replay-cache.js';
export { createDpopNonces } from './dpop-nonces.js';
export type { DpopNonces } from './dpop-nonces.js';
export { certificateThumbprint, accessTokenHash } from './thumbprint.js';
export { createCertificateSource, parseTrustedProxies } from './certificate-source.js';
export type { CertificateSource, CertificateSourceOptions, ClientCertificate } from './certificate-source.js';
export { BindingError, BINDING_ERROR_MESSAGE } from './errors.js';
export type { BindingErrorCode } from './errors.js';
