import type { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JWK } from 'jose';

/** Signature algorithms Portcullis issues tokens with (all asymmetric). */
export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA', 'PS256'] as const;

/** One of {@link SIGNING_ALGORITHMS}. */
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** A key usable by jose for signing or verification. */
export type JoseKey = KeyObject | CryptoKey;

/** A freshly generated signing key pair, both halves as JWKs carrying `kid`, `alg` and `use`. */
export interface GeneratedSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: JWK;
  privateJwk: JWK;
}

function assertAlgorithm(alg: unknown): asserts alg is SigningAlgorithm {
  if (!(SIGNING_ALGORITHMS as readonly unknown[]).includes(alg)) {
    throw new TypeError(`unsupported signing algorithm: ${String(alg)}`);
  }
}

const GENERATE_OPTIONS: Record<SigningAlgorithm, { crv?: string; modulusLength?: number }> = {
  ES256: {},
  EdDSA: { crv: 'Ed25519' },
  PS256: { modulusLength: 2048 },
};

/**
 * Generates a signing key pair. The `kid` is the RFC 7638 SHA-256 JWK thumbprint
 * of the public key, so it is stable and derivable by anyone holding the JWKS.
 *
 * @throws TypeError for an unsupported algorithm.
 */
export async function generateSigningKey(alg: SigningAlgorithm): Promise<GeneratedSigningKey> {
  assertAlgorithm(alg);
  const pair = await generateKeyPair(alg, { ...GENERATE_OPTIONS[alg], extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const meta = { kid, alg, use: 'sig' };
  return {
    kid,
    alg,
    publicJwk: { ...publicJwk, ...meta },
    privateJwk: { ...(await exportJWK(pair.privateKey)), ...meta },
  };
}

/**
 * Imports a public or private signing JWK for use with jose.
 *
 * @throws TypeError for an unsupported algorithm, a symmetric JWK, or a JWK
 *   whose own `alg` disagrees with `alg`.
 */
export async function importSigningKey(jwk: JWK, alg: SigningAlgorithm | string): Promise<JoseKey> {
  assertAlgorithm(alg);
  if (jwk === null || typeof jwk !== 'object' || jwk.kty === 'oct') {
    throw new TypeError('signing JWK must be an asymmetric key');
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    throw new TypeError('signing JWK alg does not match');
  }
  const key = await importJWK(jwk, alg);
  if (key instanceof Uint8Array) throw new TypeError('signing JWK must be an asymmetric key');
  return key;
}
