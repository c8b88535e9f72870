/** Internal to the token format: which JWS algorithms may ever sign an access token. */

/**
 * Asymmetric JWS algorithms only: a resource server holds only public keys, so
 * an HMAC or `none` token would be forgeable (RFC 8725 §2.1, §3.1).
 */
const ASYMMETRIC = new Set([
  'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
  'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512',
]);

/** True when `alg` is an asymmetric JWS algorithm. */
export function isAsymmetricAlgorithm(alg: unknown): alg is string {
  return typeof alg === 'string' && ASYMMETRIC.has(alg);
}

/** Fails fast on an allowlist that is empty or admits a symmetric/`none` algorithm. */
export function assertAlgorithmAllowlist(algorithms: unknown): asserts algorithms is string[] {
  if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every(isAsymmetricAlgorithm)) {
    throw new TypeError('algorithms must be a non-empty list of asymmetric JWS algorithms');
  }
}
