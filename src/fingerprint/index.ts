/**
 * Device fingerprint binding (issue 6, docs/fingerprint.md): component catalogue and
 * validation, keyed hashes, the weighted scorer, profiles and their history, the
 * browser collector and the privacy disclosure. No HTTP here.
 */
export { CATALOGUE, COMPONENT_NAMES, activeComponents } from './catalogue.js';
export type { ComponentSpec } from './catalogue.js';
export { InvalidFingerprint } from './errors.js';
export { parseFingerprint, MAX_FINGERPRINT_BYTES, MAX_COMPONENTS, MAX_VALUE_LENGTH } from './parse.js';
export type { Components } from './parse.js';
export { hashComponent, hashComponents, stableDigest, sameDigest } from './hash.js';
export type { Hashes } from './hash.js';
export { similarity, classify, compareFingerprints } from './score.js';
export type { Outcome, Thresholds, Comparison } from './score.js';
export { networkOf, observedComponents, browserMajor, coarseMetadata } from './observed.js';
export type { Observed } from './observed.js';
export { createProfileStore, fingerprintPurgeTask } from './store.js';
export type { ProfileStore, Profile } from './store.js';
export { createFingerprintService } from './service.js';
export type { FingerprintService, FingerprintServiceOptions, FingerprintOutcome, OnOutcome, FingerprintClaims, VerifyInput } from './service.js';
export { FINGERPRINT_POLICIES, policyOf } from './policy.js';
export type { FingerprintPolicy } from './policy.js';
export { collectorScript } from './collector.js';
export { disclosure, privacyPage } from './disclosure.js';
export type { KeptRecord } from './disclosure.js';
