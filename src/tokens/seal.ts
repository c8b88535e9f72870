import { CompactEncrypt, CompactSign } from 'jose';
import {
  INNER_ALG, INNER_ENC, INNER_TYP, isAsymmetricAlgorithm, OUTER_CTY, OUTER_TYP, utcDay,
  type AccessTokenClaims, type DerivedKeyCache, type InnerHeader,
} from '@portcullis/sdk/token';
import type { JoseKey } from '../keys/index.js';
import { nextIv } from './lib/iv-pool.js';

/** What {@link sealToken} signs and encrypts with. */
export interface SealOptions {
  signingKey: { kid: string; alg: string; key: JoseKey };
  /** the current master secret and its version (`msv`) */
  master: { version: number; secret: Uint8Array };
  /** the subject handle (`subjectHandle(pepper, claims.sub)`) */
  handle: string;
  /** the subject's current generation */
  generation: number;
  keyCache: DerivedKeyCache;
}

const encoder = new TextEncoder();

function requireString(claims: AccessTokenClaims, name: 'iss' | 'sub' | 'aud' | 'jti'): void {
  if (typeof claims[name] !== 'string' || claims[name].length === 0) {
    throw new TypeError(`claims.${name} must be a non-empty string`);
  }
}

function assertClaims(claims: AccessTokenClaims): void {
  if (claims === null || typeof claims !== 'object') throw new TypeError('claims must be an object');
  for (const name of ['iss', 'sub', 'aud', 'jti'] as const) requireString(claims, name);
  if (!Number.isFinite(claims.iat) || !Number.isFinite(claims.exp) || claims.exp <= claims.iat) {
    throw new TypeError('claims.iat and claims.exp must be numbers with exp after iat');
  }
}

function assertSigningKey({ kid, alg, key }: SealOptions['signingKey']): void {
  if (typeof kid !== 'string' || kid.length === 0) throw new TypeError('signingKey.kid must be a non-empty string');
  if (!isAsymmetricAlgorithm(alg)) throw new TypeError('signingKey.alg must be an asymmetric JWS algorithm');
  if (key === undefined || key === null) throw new TypeError('signingKey.key is required');
}

function innerHeader(claims: AccessTokenClaims, opts: SealOptions): InnerHeader {
  return {
    alg: INNER_ALG, enc: INNER_ENC, typ: INNER_TYP, iss: claims.iss, aud: claims.aud,
    msv: opts.master.version, day: utcDay(claims.iat), sh: opts.handle, gen: opts.generation,
  };
}

/**
 * Seals access token claims: encrypts them to a compact JWE (dir + A256GCM,
 * content key derived for audience, master version, day of `iat`, subject
 * handle and generation), then signs the JWE's bytes as the payload of a
 * compact JWS typed `portcullis-at+jwt` (encrypt-then-sign).
 *
 * @throws TypeError when a required claim (iss, sub, aud as one string, iat,
 *   exp, jti) or an option is missing or malformed.
 */
export async function sealToken(claims: AccessTokenClaims, opts: SealOptions): Promise<string> {
  assertClaims(claims);
  assertSigningKey(opts.signingKey);
  const header = innerHeader(claims, opts);
  const cek = await opts.keyCache.cryptoKey(opts.master.secret, header);
  const jwe = await new CompactEncrypt(encoder.encode(JSON.stringify(claims)))
    .setProtectedHeader({ ...header })
    // a pooled CSPRNG IV instead of jose's own draw (iv-pool.ts says why)
    .setInitializationVector(nextIv())
    .encrypt(cek);
  const { kid, alg, key } = opts.signingKey;
  return new CompactSign(encoder.encode(jwe))
    .setProtectedHeader({ alg, kid, typ: OUTER_TYP, cty: OUTER_CTY })
    .sign(key);
}
