/**
 * The authenticator secret between "Set up an authenticator app" and the code that
 * confirms it, carried in the confirmation form rather than kept on the server.
 *
 * Why in the form: an abandoned set-up then leaves nothing behind (no table, no purge
 * job), and any issuer instance can confirm it. The person sees the secret on the page
 * anyway, so what the seal must give is integrity and binding, not secrecy from them:
 * AES-256-GCM (through the KEK envelope format, keys/kek.ts) authenticates the secret,
 * the expiry inside it and, as associated data, the user id, so a browser can neither
 * choose its own secret, keep one past its expiry, nor confirm another person's.
 * The key is derived from the deployment's CSRF secret with HKDF (RFC 5869) under its
 * own `info`, so it is independent of the HMAC key the CSRF tokens use.
 */
import { hkdfSync } from 'node:crypto';
import { decryptSecret, encryptSecret } from '../keys/index.js';

/** How long the set-up page may wait for its code. */
export const PENDING_TOTP_TTL_MS = 10 * 60_000;
const BASE32 = /^[A-Z2-7]{16,128}$/;

const sealKey = (csrfKey: Uint8Array) => new Uint8Array(hkdfSync('sha256', csrfKey, new Uint8Array(0), 'portcullis account pending-totp', 32));
const aad = (userId: string) => `pending-totp:${userId}`;

/** Seals `secret` (base32) for `userId`, valid for PENDING_TOTP_TTL_MS from `nowMs`. */
export function sealPendingTotp(csrfKey: Uint8Array, userId: string, secret: string, nowMs: number): string {
  const payload = JSON.stringify({ secret, exp: nowMs + PENDING_TOTP_TTL_MS });
  return encryptSecret(sealKey(csrfKey), Buffer.from(payload), aad(userId));
}

/** The secret sealed for `userId`, or undefined when the seal is tampered, expired or another person's. */
export function openPendingTotp(csrfKey: Uint8Array, sealed: string, userId: string, nowMs: number): string | undefined {
  const payload = unseal(csrfKey, sealed, userId);
  if (typeof payload?.exp !== 'number' || nowMs >= payload.exp) return undefined;
  return typeof payload.secret === 'string' && BASE32.test(payload.secret) ? payload.secret : undefined;
}

function unseal(csrfKey: Uint8Array, sealed: string, userId: string): { secret?: unknown; exp?: unknown } | undefined {
  try {
    return JSON.parse(Buffer.from(decryptSecret(sealKey(csrfKey), sealed, aad(userId))).toString('utf8')) ?? undefined;
  } catch {
    return undefined; // every failure alike: malformed, tampered, or sealed for someone else
  }
}
