/**
 * Resource-server DPoP nonces (RFC 9449 §9) without shared state: a nonce is
 * HMAC(secret, time window) so every replica with the same secret accepts it;
 * the current and previous windows are valid.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface DpopNonces {
  issue(): string;
  valid(nonce: unknown): boolean;
}

/** Creates a nonce source; `secret` at least 32 bytes, `window` in seconds (default 300). */
export function createDpopNonces(secret: Uint8Array, window = 300, now: () => number = () => Date.now() / 1000): DpopNonces {
  if (!(secret instanceof Uint8Array) || secret.byteLength < 32) throw new TypeError('secret must be at least 32 bytes');
  const at = (slot: number) => `${slot}.${createHmac('sha256', secret).update(String(slot)).digest('base64url')}`;
  const slot = () => Math.floor(now() / window);
  return {
    issue: () => at(slot()),
    valid(nonce) {
      if (typeof nonce !== 'string' || nonce.length > 128) return false;
      const current = slot();
      return [current, current - 1].some((s) => {
        const expected = Buffer.from(at(s));
        const given = Buffer.from(nonce);
        return expected.length === given.length && timingSafeEqual(expected, given);
      });
    },
  };
}
