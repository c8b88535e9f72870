import { utcDay } from '../derive.js';
import type { AccessTokenClaims } from '../claims.js';
import { TokenError } from '../errors.js';
import type { InnerHeader } from '../headers.js';

/** Internal to the token format: validation of decrypted claims (RFC 9068 §4). */

/** Clock inputs for {@link checkClaims}. */
export interface ClaimClock {
  now: number;
  tolerance: number;
}

function claimsError(): never {
  throw new TokenError('ERR_TOKEN_CLAIMS');
}

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function checkShape(c: Record<string, unknown>, header: InnerHeader): void {
  if (c.iss !== header.iss) throw new TokenError('ERR_TOKEN_ISSUER');
  if (c.aud !== header.aud) throw new TokenError('ERR_TOKEN_AUDIENCE');
  if (!isNonEmptyString(c.sub) || !isNonEmptyString(c.jti)) claimsError();
  if (!isTime(c.exp) || !isTime(c.iat) || c.exp <= c.iat) claimsError();
  if (c.nbf !== undefined && !isTime(c.nbf)) claimsError();
  if (c.client_id !== undefined && typeof c.client_id !== 'string') claimsError();
  if (c.scope !== undefined && typeof c.scope !== 'string') claimsError();
}

function checkTimes(c: AccessTokenClaims, header: InnerHeader, { now, tolerance }: ClaimClock): void {
  if (c.exp <= now - tolerance) throw new TokenError('ERR_TOKEN_EXPIRED');
  if (c.iat > now + tolerance) throw new TokenError('ERR_TOKEN_NOT_YET_VALID');
  if (c.nbf !== undefined && c.nbf > now + tolerance) throw new TokenError('ERR_TOKEN_NOT_YET_VALID');
  // The content key was derived from header.day; it must be the day of iat.
  if (dayOf(c.iat) !== header.day) claimsError();
}

function dayOf(epochSeconds: number): string | undefined {
  try {
    return utcDay(epochSeconds);
  } catch {
    return undefined; // out of Date's range: cannot match any header day
  }
}

/**
 * Validates decrypted claims against the (already authenticated) inner header
 * and the clock; returns them typed.
 */
export function checkClaims(c: Record<string, unknown>, header: InnerHeader, clock: ClaimClock): AccessTokenClaims {
  checkShape(c, header);
  const claims = c as AccessTokenClaims;
  checkTimes(claims, header, clock);
  return claims;
}
