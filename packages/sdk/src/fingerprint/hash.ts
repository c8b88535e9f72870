/**
 * Keyed hashes of component values: HMAC-SHA256 under the deployment secret
 * `fingerprint`, truncated to 128 bits. Raw values never reach storage; the key makes
 * the hashes useless to anyone without it (no dictionary of common values) and
 * unlinkable across deployments.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ComponentSpec } from './catalogue.js';
import type { Components } from './parse.js';

export type Hashes = Record<string, string>;

/** The keyed hash of one component value. */
export function hashComponent(key: Uint8Array, name: string, value: string): string {
  return createHmac('sha256', key).update(name).update('\0').update(value).digest().subarray(0, 16).toString('base64url');
}

/** Hashes the components that are active; unknown and switched-off names are dropped. */
export function hashComponents(key: Uint8Array, components: Components, active: readonly ComponentSpec[]): Hashes {
  const out: Hashes = {};
  for (const spec of active) {
    const value = components[spec.name];
    if (value !== undefined) out[spec.name] = hashComponent(key, spec.name, value);
  }
  return out;
}

/**
 * Digest of the stable components (token claim `fpd`): SHA-256 over the sorted
 * `name=hash` lines of the stable components present, truncated to 128 bits. The
 * inputs are already keyed hashes, so the digest is keyed too.
 */
export function stableDigest(hashes: Hashes, active: readonly ComponentSpec[]): string {
  const lines = active.filter((c) => c.stable && hashes[c.name] !== undefined).map((c) => `${c.name}=${hashes[c.name]}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest().subarray(0, 16).toString('base64url');
}

/** Constant-time comparison of two digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
