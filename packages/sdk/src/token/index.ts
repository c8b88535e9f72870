/**
 * The nested token format (docs/token-format.md) as primitives: open a token (verify
 * the outer JWS, then decrypt the inner JWE), the header and claim rules, the HKDF key
 * derivation and its cache, and the opening secret a resource server is given. The
 * issuer seals with the same derivation and headers, so both sides share one
 * implementation. Most resource servers want `createVerifier` from the package root
 * instead; this entry point is for those who build their own verification around it.
 */
export { openToken } from './open.js';
export type { OpenOptions, OpenedToken, TokenContext, VerificationKey } from './open.js';
export { TokenError, TOKEN_ERROR_MESSAGE } from './errors.js';
export type { TokenErrorCode } from './errors.js';
export type { AccessTokenClaims } from './claims.js';
export { OUTER_TYP, OUTER_CTY, INNER_TYP, INNER_ALG, INNER_ENC, OUTER_HEADER_MEMBERS, INNER_HEADER_MEMBERS } from './headers.js';
export type { OuterHeader, InnerHeader } from './headers.js';
export { isAsymmetricAlgorithm, assertAlgorithmAllowlist } from './lib/algorithms.js';
export { ratchetMaster, masterAtVersion, utcDay, deriveContentKey, assertContentKeyContext } from './derive.js';
export type { ContentKeyContext } from './derive.js';
export { createDerivedKeyCache } from './derived-key-cache.js';
export type { DerivedKeyCache, DerivedKeyCacheOptions } from './derived-key-cache.js';
export { formatOpeningSecret, parseOpeningSecret } from './opening-secret.js';
export type { OpeningSecret } from './opening-secret.js';
