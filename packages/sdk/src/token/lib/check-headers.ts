import { TokenError } from '../errors.js';
import {
  INNER_ALG, INNER_ENC, INNER_HEADER_MEMBERS, INNER_TYP, OUTER_CTY, OUTER_HEADER_MEMBERS, OUTER_TYP,
} from '../headers.js';
import type { InnerHeader, OuterHeader } from '../headers.js';
import { isAsymmetricAlgorithm } from './algorithms.js';
import { assertOnlyMembers } from './compact.js';

/** Internal to the token format: header checks that run before any cryptography. */

const MAX_KID_CHARS = 256;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const HANDLE = /^[A-Za-z0-9_-]{22}$/;

function reject(): never {
  throw new TokenError('ERR_TOKEN_HEADER');
}

function isVersion(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0;
}

/**
 * Checks the outer JWS header: alg asymmetric and allowlisted (so never `none`
 * or `HS*`), explicit `typ` (RFC 8725 §3.11), `cty` JWT, a string `kid`, and no
 * other member: `crit`, `jwk`, `jku`, `x5u`, `x5c`, `x5t`, `zip`, `b64` all fail.
 */
export function checkOuterHeader(header: Record<string, unknown>, algorithms: string[]): OuterHeader {
  assertOnlyMembers(header, OUTER_HEADER_MEMBERS);
  const { alg, kid, typ, cty } = header;
  if (!isAsymmetricAlgorithm(alg) || !algorithms.includes(alg)) reject();
  if (typ !== OUTER_TYP || cty !== OUTER_CTY) reject();
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_CHARS) reject();
  return { alg, kid, typ, cty };
}

/**
 * Checks the inner JWE header: dir + A256GCM + at+jwt, our issuer, a string
 * audience (equal to `audience` when given), and well-formed derivation inputs.
 */
export function checkInnerHeader(
  header: Record<string, unknown>,
  issuer: string,
  audience: string | undefined,
): InnerHeader {
  assertOnlyMembers(header, INNER_HEADER_MEMBERS);
  const { alg, enc, typ, iss, aud, msv, day, sh, gen } = header;
  if (alg !== INNER_ALG || enc !== INNER_ENC || typ !== INNER_TYP) reject();
  if (!isVersion(msv) || !isVersion(gen)) reject();
  if (typeof day !== 'string' || !DAY.test(day)) reject();
  if (typeof sh !== 'string' || !HANDLE.test(sh)) reject();
  if (typeof aud !== 'string' || aud.length === 0) reject();
  if (iss !== issuer) throw new TokenError('ERR_TOKEN_ISSUER');
  if (audience !== undefined && aud !== audience) throw new TokenError('ERR_TOKEN_AUDIENCE');
  return { alg, enc, typ, iss, aud, msv, day, sh, gen };
}
