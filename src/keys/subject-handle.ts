import { createHmac } from 'node:crypto';

/**
 * The pseudonymous subject handle (`sh` of the inner header, docs/token-format.md).
 * Only the issuer computes it: it needs the deployment's pepper, which no resource
 * server holds, so a handle cannot be linked to a subject outside the issuer.
 */
const SUBJECT_HANDLE_PREFIX = 'portcullis/subject-handle/v1\0';

/**
 * Stable pseudonymous handle for a subject: base64url of the first 16 bytes of
 * HMAC-SHA256(pepper, "portcullis/subject-handle/v1\0" + sub). 22 characters.
 *
 * @throws TypeError when the pepper is shorter than 16 bytes or `sub` is empty.
 */
export function subjectHandle(pepper: Uint8Array, sub: string): string {
  if (!(pepper instanceof Uint8Array) || pepper.byteLength < 16) throw new TypeError('pepper must be a Uint8Array of at least 16 bytes');
  if (typeof sub !== 'string' || sub.length === 0) throw new TypeError('sub must be a non-empty string');
  const mac = createHmac('sha256', pepper).update(SUBJECT_HANDLE_PREFIX + sub, 'utf8').digest();
  return mac.subarray(0, 16).toString('base64url');
}
