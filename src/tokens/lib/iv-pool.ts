/**
 * AES-GCM initialization vectors (96 bits) drawn from a pool of CSPRNG output.
 *
 * jose draws each IV with its own `crypto.getRandomValues` call; under load in the
 * issuer one such call measured 20–35 µs of main-thread time (OpenSSL's RNG behind
 * a synchronous binding call), more than the AES-GCM encryption it feeds. One
 * `randomFillSync` per {@link POOL_IVS} IVs gives the same randomness: every IV is a
 * fresh 96-bit slice of CSPRNG output (NIST SP 800-38D §8.2.2, the random
 * construction), handed out once and wiped from the pool as it leaves.
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
