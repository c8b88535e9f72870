/**
 * Device fingerprints at a resource server (docs/fingerprint.md): the cheap local
 * check of a presented fingerprint against a token's `fpd` claim, and the primitives it
 * is made of (the component catalogue, validation, keyed hashes, the stable digest),
 * which the issuer uses to compute `fpd` in the first place.
 */
export { createFingerprintCheck } from './check.js';
export type { FingerprintCheck, FingerprintCheckOptions } from './check.js';
export { CATALOGUE, COMPONENT_NAMES, activeComponents } from './catalogue.js';
export type { ComponentSpec } from './catalogue.js';
export { parseFingerprint, FingerprintFormatError, MAX_FINGERPRINT_BYTES, MAX_COMPONENTS, MAX_VALUE_LENGTH } from './parse.js';
export type { Components } from './parse.js';
export { hashComponent, hashComponents, stableDigest, sameDigest } from './hash.js';
export type { Hashes } from './hash.js';
