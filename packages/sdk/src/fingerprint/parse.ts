/**
 * Validation of a presented fingerprint: a JSON object of component name to a
 * string, number or boolean. Everything else is refused before any hashing or
 * storage, with FingerprintFormatError.
 */

export const MAX_FINGERPRINT_BYTES = 16 * 1024;
export const MAX_COMPONENTS = 64;
export const MAX_VALUE_LENGTH = 512;
const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,39}$/;
const NAME_RULE = 'component names are 1-40 characters of A-Z a-z 0-9 _ . - starting with a letter';

/** Component name to its value, as a string. */
export type Components = Record<string, string>;

/** A fingerprint that is not acceptable input; `message` says what is wrong with it. */
export class FingerprintFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FingerprintFormatError';
  }
}

function fail(message: string): never {
  throw new FingerprintFormatError(message);
}

function decode(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  if (Buffer.byteLength(input, 'utf8') > MAX_FINGERPRINT_BYTES) fail(`larger than ${MAX_FINGERPRINT_BYTES} bytes`);
  try {
    return JSON.parse(input);
  } catch {
    return fail('not JSON');
  }
}

function valueOf(value: unknown): string {
  if (typeof value === 'string') return value.length <= MAX_VALUE_LENGTH ? value : fail(`values are at most ${MAX_VALUE_LENGTH} characters`);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : fail('numbers must be finite');
  if (typeof value === 'boolean') return String(value);
  return fail('values are strings, numbers or booleans');
}

/**
 * Parses a fingerprint given as JSON text (form parameter or header) or an already
 * parsed value. Values are normalised to strings.
 *
 * @throws FingerprintFormatError
 */
export function parseFingerprint(input: unknown): Components {
  const value = decode(input);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('not a JSON object');
  if (Object.getPrototypeOf(value) !== Object.prototype) fail('not a plain object');
  // an own `__proto__` key (JSON.parse makes one) is listed here and refused by its name
  const entries = Object.entries(value);
  if (entries.length === 0) fail('no components');
  if (entries.length > MAX_COMPONENTS) fail(`more than ${MAX_COMPONENTS} components`);
  if (entries.some(([k]) => !NAME.test(k))) fail(NAME_RULE);
  return Object.fromEntries(entries.map(([k, v]) => [k, valueOf(v)]));
}
