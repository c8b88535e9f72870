/**
 * Device fingerprint check at a resource server, the cheap tier: the
 * presenter's fingerprint (the JSON the Portcullis collector produces, sent by the
 * client app in the `Portcullis-Fingerprint` header) is reduced to the digest of its
 * stable components and compared with the token's `fpd` claim. When they differ the
 * SDK does not decide: `onDifferent` does, typically by asking the issuer's
 * /introspect with the `fingerprint` parameter (the weighted comparison, drift
 * learning and records live there).
 *
 * The digest is keyed: the resource server is given the deployment's fingerprint key
 * (`npm run admin -- fingerprint key`). Without a key, every bound token goes to
 * `onDifferent`.
 */
import { activeComponents } from './catalogue.js';
import { hashComponents, sameDigest, stableDigest } from './hash.js';
import { parseFingerprint } from './parse.js';

export interface FingerprintCheckOptions {
  /** the deployment's fingerprint key (32 bytes) */
  key?: Uint8Array;
  /** FINGERPRINT_COMPONENTS / FINGERPRINT_HIGH_ENTROPY of the issuer (defaults: all, true) */
  components?: string[] | 'all';
  highEntropy?: boolean;
  /** a bound token presented without a fingerprint: accept (default true, as the `optional` policy) */
  acceptMissing?: boolean;
  /** the digest differs (or cannot be computed): true keeps the token active */
  onDifferent(claims: { fpd: string; sub?: string; client_id?: string }, presented: string): boolean | Promise<boolean>;
}

/** `(claims, presented)`: true when the token may be used by this presenter. */
export type FingerprintCheck = (claims: Record<string, unknown>, presented: string | undefined) => Promise<boolean>;

/** Creates the check. */
export function createFingerprintCheck(options: FingerprintCheckOptions): FingerprintCheck {
  const active = activeComponents(options.components ?? 'all', options.highEntropy ?? true).filter((c) => c.source === 'browser');
  return async (claims, presented) => {
    const fpd = claims.fpd;
    if (typeof fpd !== 'string') return true; // not bound to a fingerprint
    if (presented === undefined || presented === '') return options.acceptMissing ?? true;
    if (options.key) {
      let digest: string | undefined;
      try {
        digest = stableDigest(hashComponents(options.key, parseFingerprint(presented), active), active);
      } catch {
        return false; // malformed: never accepted
      }
      if (sameDigest(digest, fpd)) return true;
    }
    return options.onDifferent({ fpd, sub: claims.sub as string | undefined, client_id: claims.client_id as string | undefined }, presented);
  };
}
