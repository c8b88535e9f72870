import { TokenError } from '../errors.js';

/** Internal to the token format: bounded, strict parsing of compact serializations. */

const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** A protected header longer than this is not one of ours. */
const MAX_HEADER_CHARS = 2048;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** True when `s` is non-empty unpadded base64url with a possible length. */
export function isSegment(s: string): boolean {
  return SEGMENT.test(s) && s.length % 4 !== 1;
}

/** Splits `s` into exactly `count` segments or throws ERR_TOKEN_MALFORMED. */
export function splitCompact(s: string, count: number): string[] {
  const parts = s.split('.', count + 1);
  if (parts.length !== count) throw new TokenError('ERR_TOKEN_MALFORMED');
  return parts;
}

/** Strict UTF-8 decoding; invalid bytes throw ERR_TOKEN_MALFORMED. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new TokenError('ERR_TOKEN_MALFORMED', { cause });
  }
}

/** Parses JSON that must be a plain object, else throws `code`. */
export function parseJsonObject(text: string, code: 'ERR_TOKEN_MALFORMED' | 'ERR_TOKEN_CLAIMS'): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new TokenError(code, { cause });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TokenError(code);
  return value as Record<string, unknown>;
}

/** Decodes a protected-header segment (bounded) to a JSON object. */
export function decodeHeader(segment: string): Record<string, unknown> {
  if (segment.length > MAX_HEADER_CHARS || !isSegment(segment)) throw new TokenError('ERR_TOKEN_MALFORMED');
  return parseJsonObject(decodeUtf8(Buffer.from(segment, 'base64url')), 'ERR_TOKEN_MALFORMED');
}

/** Throws ERR_TOKEN_HEADER when `header` has a member outside `allowed`. */
export function assertOnlyMembers(header: Record<string, unknown>, allowed: readonly string[]): void {
  for (const name of Object.keys(header)) {
    if (!allowed.includes(name)) throw new TokenError('ERR_TOKEN_HEADER');
  }
}
