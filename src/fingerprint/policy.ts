/**
 * Per-client fingerprint policy (client metadata `portcullis_fingerprint`):
 *   required  sign-in needs a fingerprint; a bound token presented without one is inactive
 *   optional  (default) bound when the browser sends one; a token presented without one stays active
 *   off       never collected or bound; the client must use DPoP instead (dpop_bound_access_tokens)
 */
export const FINGERPRINT_POLICIES = ['required', 'optional', 'off'] as const;
export type FingerprintPolicy = typeof FINGERPRINT_POLICIES[number];

/** The policy recorded in client metadata (optional when absent or unknown). */
export function policyOf(metadata: Record<string, unknown> | undefined): FingerprintPolicy {
  const v = metadata?.portcullis_fingerprint;
  return (FINGERPRINT_POLICIES as readonly unknown[]).includes(v) ? v as FingerprintPolicy : 'optional';
}

/**
 * The cookie a browser gets when its person turns fingerprinting off (account page):
 * its login page then loads no collector at all. It says only "do not collect here";
 * whether a person opted out is decided by their account, never by the cookie.
 */
export const OPT_OUT_COOKIE = 'portcullis.no-fingerprint';
