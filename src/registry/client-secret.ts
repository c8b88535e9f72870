/**
 * Client secrets are stored as a keyed hash (HMAC-SHA256 under a per-deployment
 * pepper), never in clear, and compared in constant time. Secrets are high-entropy
 * bearer credentials (generated: 256 bits; supplied: at least 32 characters), so a
 * keyed fast hash is the right tool here; passwords (low entropy) use Argon2id.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'pcs1$';
export const MIN_SECRET_LENGTH = 32;

/** A fresh 256-bit client secret (base64url). */
export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored verifier of a secret. */
export function hashClientSecret(pepper: Uint8Array, secret: string): string {
  return PREFIX + createHmac('sha256', pepper).update(secret, 'utf8').digest('base64url');
}

/** Constant-time check of a presented secret against a stored verifier. */
export function verifyClientSecret(pepper: Uint8Array, stored: unknown, presented: unknown): boolean {
  if (typeof stored !== 'string' || !stored.startsWith(PREFIX)) return false;
  const expected = Buffer.from(stored);
  const actual = Buffer.from(hashClientSecret(pepper, typeof presented === 'string' ? presented : ''));
  return expected.length === actual.length && timingSafeEqual(expected, actual) && typeof presented === 'string';
}
