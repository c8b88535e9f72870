/**
 * Sender-constrained tokens: DPoP proofs (RFC 9449) and certificate binding
 * (RFC 8705). Used by the issuer (introspection's binding check, client
 * certificates); the checks themselves live in the resource-server SDK.
 */
// The proof and certificate checks are the SDK's (its binding entry point): resource
// servers and the issuer's introspection check presenters with one implementation.
export {
  verifyDpopProof, DPOP_ALGORITHMS, createReplayCache, withReplayHook, certificateThumbprint, accessTokenHash,
  createCertificateSource, parseTrustedProxies, BindingError, BINDING_ERROR_MESSAGE,
} from '@portcullis/sdk/binding';
export type {
  DpopExpectation, VerifiedDpopProof, ReplayCache, ReplayCacheOptions, CertificateSource, CertificateSourceOptions,
  ClientCertificate, BindingErrorCode,
} from '@portcullis/sdk/binding';
export { certificateSubjectMatches } from './subject-match.js';
