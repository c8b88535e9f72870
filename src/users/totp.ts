/**
 * Time-based one-time passwords (RFC 6238) through `otpauth`: SHA-1, 6 digits, 30 s
 * steps (what authenticator apps expect), one step of drift either way (§5.2).
 */
import { Secret, TOTP } from 'otpauth';

const PERIOD = 30;

/** A fresh 160-bit secret (RFC 4226 §4 recommends at least 128) in base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app imports (shown once at enrolment). */
export function totpUri(issuer: string, username: string, secret: string): string {
  return totp(secret, issuer, username).toString();
}

/** The time step a code is valid for, or undefined when it matches none in the window. */
export function totpStep(secret: string, code: string, nowMs: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secret).validate({ token: code, timestamp: nowMs, window: 1 });
  return delta === null ? undefined : Math.floor(nowMs / 1000 / PERIOD) + delta;
}

function totp(secret: string, issuer = 'Portcullis', label = 'user'): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}
