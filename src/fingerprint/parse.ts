/**
 * Validation of a presented fingerprint at the issuer: the SDK's parser (one rule for
 * both sides of the digest), with its refusals as RFC 6749 §5.2 invalid_request.
 */
import { FingerprintFormatError, parseFingerprint as parseComponents, type Components } from '@portcullis/sdk/fingerprint';
import { InvalidFingerprint } from './errors.js';

/**
 * Parses a fingerprint given as JSON text (form parameter or header) or an already
 * parsed value. Values are normalised to strings.
 *
 * @throws InvalidFingerprint (invalid_request) for anything else.
 */
export function parseFingerprint(input: unknown): Components {
  try {
    return parseComponents(input);
  } catch (err) {
    if (err instanceof FingerprintFormatError) throw new InvalidFingerprint(err.message);
    throw err;
  }
}

export type { Components };
