import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Envelope encryption of secrets at rest (signing keys, master secrets) under a
 * key-encryption key (KEK) held outside the database.
 *
 * Format: `v1.<iv>.<ciphertext>.<tag>`, each part base64url, AES-256-GCM with a
 * random 96-bit IV (NIST SP 800-38D §8.2.2) and a 128-bit tag.
 */

const VERSION = 'v1';
const KEK_LENGTH = 32;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const B64URL = /^[A-Za-z0-9_-]*$/;

function assertKek(kek: Uint8Array): void {
  if (!(kek instanceof Uint8Array) || kek.byteLength !== KEK_LENGTH) {
    throw new TypeError('KEK must be a 32-byte Uint8Array');
  }
}

function assertAad(aad: string): void {
  if (typeof aad !== 'string' || aad.length === 0) {
    throw new TypeError('AAD must be a non-empty string naming the row');
  }
}

/**
 * Encrypts `plaintext` under `kek`, binding it to `aad` (e.g. `"signing-key:<kid>"`)
 * so the ciphertext cannot be moved to another row.
 *
 * @throws TypeError when the KEK is not 32 bytes or the AAD is empty.
 */
export function encryptSecret(kek: Uint8Array, plaintext: Uint8Array, aad: string): string {
  assertKek(kek);
  assertAad(aad);
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const parts = [iv, ciphertext, cipher.getAuthTag()].map((b) => b.toString('base64url'));
  return [VERSION, ...parts].join('.');
}

function splitBlob(blob: string): [Buffer, Buffer, Buffer] | undefined {
  if (typeof blob !== 'string') return undefined;
  const parts = blob.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) return undefined;
  if (!parts.slice(1).every((p) => B64URL.test(p))) return undefined;
  const [iv, ciphertext, tag] = parts.slice(1).map((p) => Buffer.from(p, 'base64url'));
  if (iv.length !== IV_LENGTH || tag.length !== TAG_LENGTH) return undefined;
  return [iv, ciphertext, tag];
}

/**
 * Decrypts a blob produced by {@link encryptSecret}. The same `aad` must be given.
 *
 * @throws TypeError when the KEK is not 32 bytes.
 * @throws Error `"secret decryption failed"` for any malformed, tampered or
 *   mis-bound blob (deliberately without detail).
 */
export function decryptSecret(kek: Uint8Array, blob: string, aad: string): Uint8Array {
  assertKek(kek);
  assertAad(aad);
  const parts = splitBlob(blob);
  if (parts === undefined) throw new Error('secret decryption failed');
  const [iv, ciphertext, tag] = parts;
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_LENGTH });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  } catch {
    throw new Error('secret decryption failed');
  }
}

/**
 * Parses a KEK from configuration text: 43 base64url characters or 64 hex
 * characters, both encoding exactly 32 bytes. Surrounding whitespace is ignored.
 *
 * @throws TypeError for any other input (the message never echoes the input).
 */
export function parseKek(text: string): Uint8Array {
  const value = typeof text === 'string' ? text.trim() : '';
  if (/^[0-9a-fA-F]{64}$/.test(value)) return new Uint8Array(Buffer.from(value, 'hex'));
  if (/^[A-Za-z0-9_-]{43}$/.test(value)) {
    const bytes = Buffer.from(value, 'base64url');
    // Reject non-canonical encodings (stray bits in the last character).
    if (bytes.length === KEK_LENGTH && bytes.toString('base64url') === value) {
      return new Uint8Array(bytes);
    }
  }
  throw new TypeError('KEK must be 32 bytes as 43 base64url or 64 hex characters');
}

/** Generates a fresh random KEK, base64url-encoded (43 characters). */
export function generateKek(): string {
  return randomBytes(KEK_LENGTH).toString('base64url');
}
