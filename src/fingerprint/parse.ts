/**
 * Validation of a presented fingerprint: a JSON object of component name to a
 * string, number or boolean. Everything else is refused before any hashing or
 * storage, with InvalidFingerprint (invalid_request).
 */
import { z } from 'zod';
import { InvalidFingerprint } from './errors.js';

export const MAX_FINGERPRINT_BYTES = 16 * 1024;
export const MAX_COMPONENTS = 64;
export const MAX_VALUE_LENGTH = 512;
const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,39}$/;

export type Components = Record<string, string>;

const schema = z.record(
  z.string().regex(NAME, 'component names are 1-40 characters of A-Z a-z 0-9 _ . - starting with a letter'),
  z.union([z.string().max(MAX_VALUE_LENGTH), z.number().finite(), z.boolean()]),
).refine((o) => Object.keys(o).length <= MAX_COMPONENTS, `at most ${MAX_COMPONENTS} components`);

/**
 * Parses a fingerprint given as JSON text (form parameter or header) or an already
 * parsed value. Values are normalised to strings.
 */
export function parseFingerprint(input: unknown): Components {
  let value = input;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input, 'utf8') > MAX_FINGERPRINT_BYTES) throw new InvalidFingerprint(`larger than ${MAX_FINGERPRINT_BYTES} bytes`);
    try {
      value = JSON.parse(input);
    } catch {
      throw new InvalidFingerprint('not JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidFingerprint('not a JSON object');
  if (Object.getPrototypeOf(value) !== Object.prototype) throw new InvalidFingerprint('not a plain object');
  const keys = Object.keys(value);
  if (keys.length === 0) throw new InvalidFingerprint('no components');
  if (keys.length > MAX_COMPONENTS) throw new InvalidFingerprint(`more than ${MAX_COMPONENTS} components`);
  // checked here as well as in the schema: zod's record skips keys such as __proto__
  if (keys.some((k) => !NAME.test(k))) throw new InvalidFingerprint('component names are 1-40 characters of A-Z a-z 0-9 _ . - starting with a letter');
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidFingerprint(parsed.error.issues[0]?.message ?? 'invalid components');
  return Object.fromEntries(Object.entries(parsed.data).map(([k, v]) => [k, String(v)]));
}
