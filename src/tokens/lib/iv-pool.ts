/**
 * AES-GCM initialization vectors (96 bits) drawn from a pool of CSPRNG output.
 *
 * jose draws each IV with its own `crypto.getRandomValues` call, a synchronous call
 * into OpenSSL's generator per token that costs more on the issuer's main thread than
 * the AES-GCM encryption it feeds. One `randomFillSync` per {@link POOL_IVS} IVs gives
 * the same randomness: every IV is a fresh 96-bit slice of CSPRNG output (NIST SP
 * 800-38D §8.2.2, the random construction), handed out once and wiped from the pool as
 * it leaves. The pool is per process; no IV is shared between processes.
 */
import { randomFillSync } from 'node:crypto';

export const IV_BYTES = 12;
const POOL_IVS = 256;

const pool = new Uint8Array(IV_BYTES * POOL_IVS);
let offset = pool.length;

/** A new 12-byte IV, never handed out before (a copy; the pool's bytes are zeroed). */
export function nextIv(): Uint8Array {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const end = offset + IV_BYTES;
  const iv = pool.slice(offset, end);
  pool.fill(0, offset, end);
  offset = end;
  return iv;
}
