import { compactDecrypt, compactVerify } from 'jose';
import type { DerivedKeyCache } from './derived-key-cache.js';
import type { AccessTokenClaims } from './claims.js';
import { TokenError } from './errors.js';
import type { InnerHeader, OuterHeader } from './headers.js';
import { assertAlgorithmAllowlist } from './lib/algorithms.js';
import { checkClaims } from './lib/check-claims.js';
import { checkInnerHeader, checkOuterHeader } from './lib/check-headers.js';
import { decodeHeader, decodeUtf8, isSegment, parseJsonObject, splitCompact } from './lib/compact.js';

type MaybePromise<T> = T | Promise<T>;

/** A public key that verifies the outer signature: a WebCrypto CryptoKey or a Node KeyObject (what jose's importJWK returns). */
export type VerificationKey = CryptoKey | import('node:crypto').KeyObject;

/** How {@link openToken} finds keys and judges a token. */
export interface OpenOptions {
  /** the issuer identifier; both `iss` values must equal it */
  issuer: string;
  /** the issuer's published verification key for `kid`, or undefined when unknown */
  verificationKey(kid: string, alg: string): MaybePromise<VerificationKey | undefined>;
  /** the master secret for (audience, version), or undefined for a foreign audience */
  master(aud: string, msv: number): MaybePromise<Uint8Array | undefined>;
  /** allowlist of asymmetric JWS algorithms, e.g. ['ES256', 'EdDSA', 'PS256'] */
  algorithms: string[];
  /** when set (a resource server), the token's `aud` must equal it */
  audience?: string;
  keyCache: DerivedKeyCache;
  /** epoch seconds; defaults to the system clock */
  now?: () => number;
  /** seconds of clock skew allowed on exp/iat/nbf (default 30) */
  clockTolerance?: number;
  /** longest token accepted, in characters (default 8192) */
  maxLength?: number;
}

/** What the derivation used, for the caller's revocation and generation checks. */
export interface TokenContext {
  kid: string;
  aud: string;
  msv: number;
  day: string;
  sh: string;
  gen: number;
}

/** A verified, decrypted access token. */
export interface OpenedToken {
  claims: AccessTokenClaims;
  context: TokenContext;
}

const DEFAULT_MAX_LENGTH = 8192;
const DEFAULT_TOLERANCE = 30;

function assertOptions(opts: OpenOptions): void {
  if (typeof opts?.issuer !== 'string' || opts.issuer.length === 0) throw new TypeError('issuer must be a non-empty string');
  if (typeof opts.verificationKey !== 'function' || typeof opts.master !== 'function') {
    throw new TypeError('verificationKey and master must be functions');
  }
  assertAlgorithmAllowlist(opts.algorithms);
  if (opts.keyCache === undefined) throw new TypeError('keyCache is required');
}

/** Step 1: a string of bounded length with three non-empty base64url segments. */
function checkShape(token: unknown, maxLength: number): string[] {
  if (typeof token !== 'string' || token.length === 0 || token.length > maxLength) {
    throw new TokenError('ERR_TOKEN_MALFORMED');
  }
  const segments = splitCompact(token, 3);
  if (!segments.every(isSegment)) throw new TokenError('ERR_TOKEN_MALFORMED');
  return segments;
}

/** Step 3: resolve the key by kid and verify the signature; returns the JWS payload. */
async function verifyOuter(token: string, header: OuterHeader, opts: OpenOptions): Promise<string> {
  const key = await opts.verificationKey(header.kid, header.alg);
  if (key === undefined) throw new TokenError('ERR_TOKEN_KEY_UNKNOWN');
  try {
    const { payload } = await compactVerify(token, key, { algorithms: [header.alg] });
    return decodeUtf8(payload);
  } catch (cause) {
    if (cause instanceof TokenError) throw cause;
    throw new TokenError('ERR_TOKEN_SIGNATURE', { cause });
  }
}

/** Step 4 (shape): five segments; the encrypted-key segment is empty for `dir`. */
function splitJwe(jwe: string): string[] {
  const parts = splitCompact(jwe, 5);
  const [header, encryptedKey, iv, ciphertext, tag] = parts;
  if (encryptedKey !== '' || ![header, iv, ciphertext, tag].every(isSegment)) {
    throw new TokenError('ERR_TOKEN_MALFORMED');
  }
  return parts;
}

/** Step 5: look up the master, derive the content key (cached) and decrypt. */
async function decryptInner(jwe: string, header: InnerHeader, opts: OpenOptions): Promise<Uint8Array> {
  const master = await opts.master(header.aud, header.msv);
  if (master === undefined) throw new TokenError('ERR_TOKEN_AUDIENCE');
  const key = await opts.keyCache.cryptoKey(master, header);
  try {
    const options = { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] };
    return (await compactDecrypt(jwe, key, options)).plaintext;
  } catch (cause) {
    throw new TokenError('ERR_TOKEN_DECRYPTION', { cause });
  }
}

/**
 * Opens a Portcullis access token: verify the outer JWS, then decrypt the
 * inner JWE, then validate the claims. Cheap checks run first and in a fixed
 * order (a security requirement): shape, outer header (before any key lookup),
 * signature, inner header (before any master lookup), decryption, claims.
 *
 * Not checked here: revocation, and whether `context.gen` is the subject's
 * current generation. The caller must check both using `context.sh`,
 * `context.gen` and `claims.jti` before trusting the token.
 *
 * @throws TokenError (message "invalid token", a `code` for logs) for any
 *   invalid token; TypeError for invalid options. Errors thrown by the
 *   `verificationKey` or `master` callbacks (e.g. a database outage)
 *   propagate unchanged, so they are not mistaken for bad tokens.
 */
export async function openToken(token: unknown, opts: OpenOptions): Promise<OpenedToken> {
  assertOptions(opts);
  const [outerSegment] = checkShape(token, opts.maxLength ?? DEFAULT_MAX_LENGTH);
  const outer = checkOuterHeader(decodeHeader(outerSegment), opts.algorithms);
  const jwe = await verifyOuter(token as string, outer, opts);
  const inner = checkInnerHeader(decodeHeader(splitJwe(jwe)[0]), opts.issuer, opts.audience);
  const plaintext = await decryptInner(jwe, inner, opts);
  const clock = { now: (opts.now ?? systemNow)(), tolerance: opts.clockTolerance ?? DEFAULT_TOLERANCE };
  const claims = checkClaims(parseJsonObject(decodeUtf8(plaintext), 'ERR_TOKEN_CLAIMS'), inner, clock);
  const { aud, msv, day, sh, gen } = inner;
  return { claims, context: { kid: outer.kid, aud, msv, day, sh, gen } };
}

function systemNow(): number {
  return Math.floor(Date.now() / 1000);
}
