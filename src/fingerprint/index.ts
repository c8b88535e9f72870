/**
 * Device fingerprint binding (docs/fingerprint.md): component catalogue and
 * validation, keyed hashes, the weighted scorer, profiles and their history, the
 * browser collector and the privacy disclosure. No HTTP here.
 */
// The catalogue, keyed hashes and the stable digest are shared with resource servers,
// which compute the same digest with the SDK.
export {
  CATALOGUE, COMPONENT_NAMES, activeComponents, hashComponent, hashComponents, stableDigest, sameDigest,
  MAX_FINGERPRINT_BYTES, MAX_COMPONENTS, MAX_VALUE_LENGTH,
} from '@portcullis/sdk/fingerprint';
export type { ComponentSpec, Hashes } from '@portcullis/sdk/fingerprint';
export { InvalidFingerprint } from './errors.js';
export { parseFingerprint } from './parse.js';
export type { Components } from './parse.js';
export { similarity, classify, compareFingerprints } from './score.js';
export type { Outcome, Thresholds, Comparison } from './score.js';
export { networkOf, observedComponents, browserMajor, coarseMetadata } from './observed.js';
export type { Observed } from './observed.js';
export { createProfileStore, fingerprintPurgeTask } from './store.js';
export type { ProfileStore, Profile } from './store.js';
export { createFingerprintService } from './service.js';
export type { FingerprintService, FingerprintServiceOptions, FingerprintOutcome, OnOutcome, FingerprintClaims, VerifyInput } from './service.js';
export { FINGERPRINT_POLICIES, policyOf, OPT_OUT_COOKIE } from './policy.js';
export type { FingerprintPolicy } from './policy.js';
export { collectorScript } from './collector.js';
export { disclosure, privacyPage } from './disclosure.js';
export type { KeptRecord } from './disclosure.js';
