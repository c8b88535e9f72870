/**
 * Key material: envelope encryption under the KEK, signing keys, and the HKDF
 * derivations behind the nested token format. Other folders import only this file.
 */
export { encryptSecret, decryptSecret, parseKek, generateKek } from './kek.js';
export { generateSigningKey, importSigningKey, SIGNING_ALGORITHMS } from './signing-key.js';
export type { GeneratedSigningKey, JoseKey, SigningAlgorithm } from './signing-key.js';
export { subjectHandle } from './subject-handle.js';
// The derivation behind the token format is shared with resource servers (the SDK's
// token-format entry point), so both sides derive with one implementation.
export {
  ratchetMaster, masterAtVersion, utcDay, deriveContentKey, assertContentKeyContext, createDerivedKeyCache,
  formatOpeningSecret, parseOpeningSecret,
} from '@portcullis/sdk/token';
export type { ContentKeyContext, DerivedKeyCache, DerivedKeyCacheOptions } from '@portcullis/sdk/token';
// Live key state and lifecycle (database-backed).
export { createKeyStore, masterAad } from './store.js';
export type { KeyStore, SigningKeyView, MasterView } from './store.js';
export { ensureKeys, rotateSigningKey, rotateMasters, createMaster } from './rotate.js';
export type { RotationOptions, SigningRotation } from './rotate.js';
export { resolveKek } from './kek-source.js';
export { deploymentSecret } from './deployment-secret.js';
export { subscribeKeyChanges, publishKeyChange, KEYS_CHANNEL } from './change-notice.js';
