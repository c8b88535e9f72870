import { timingSafeEqual } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import { BindingError, type BindingErrorCode } from './errors.js';
import type { ReplayCache } from './replay-cache.js';
import { accessTokenHash } from './thumbprint.js';

/** Asymmetric algorithms a DPoP proof may use (RFC 9449 §4.3 check 5). */
export const DPOP_ALGORITHMS: readonly string[] = ['ES256', 'ES384', 'EdDSA', 'Ed25519', 'PS256', 'RS256'];

/** What the request the proof came with looked like, and what the token is bound to. */
export interface DpopExpectation {
  /** the HTTP method of the request (RFC 9449 §4.3 check 8) */
  htm: string;
  /** the request URL; query and fragment are ignored (check 9) */
  htu: string;
  /** the access token presented with the proof, when there is one (check 12, `ath`) */
  accessToken?: string;
  /** the token's `cnf.jkt` (check 12, key binding) */
  jkt?: string;
  /** seconds a proof's `iat` may be away from now (default 60) */
  maxAge?: number;
  /** epoch seconds; defaults to the system clock */
  now?: () => number;
  /** where seen `jti` values are kept (check 11); omit only when the caller checks replay itself */
  replay?: ReplayCache;
  /** a nonce the server issued, when it requires one (check 10) */
  nonce?: (value: unknown) => boolean;
  algorithms?: readonly string[];
}

/** A proof that passed every check. */
export interface VerifiedDpopProof { jkt: string; jti: string; iat: number }

const MAX_PROOF_CHARS = 4096;

function fail(code: BindingErrorCode, cause?: unknown): never {
  throw new BindingError(code, cause === undefined ? undefined : { cause });
}

/** Checks 1-6: one well-formed JWT, typ dpop+jwt, allowlisted alg, a public jwk that verifies it. */
async function verifySignature(proof: unknown, algorithms: readonly string[]) {
  if (typeof proof !== 'string' || proof.length === 0 || proof.length > MAX_PROOF_CHARS) fail('ERR_DPOP_MALFORMED');
  let jwk: JWK | undefined;
  try {
    jwk = decodeProtectedHeader(proof).jwk as JWK | undefined;
  } catch (cause) {
    fail('ERR_DPOP_MALFORMED', cause);
  }
  if (!jwk || typeof jwk !== 'object' || 'd' in jwk || 'k' in jwk) fail('ERR_DPOP_MALFORMED');
  try {
    const { payload } = await jwtVerify(proof, EmbeddedJWK, { algorithms: [...algorithms], typ: 'dpop+jwt' });
    return { payload, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
  } catch (cause) {
    fail('ERR_DPOP_SIGNATURE', cause);
  }
}

function sameUrl(htu: unknown, expected: string): boolean {
  if (typeof htu !== 'string') return false;
  const a = URL.parse(htu);
  const b = URL.parse(expected);
  if (!a || !b) return false;
  for (const u of [a, b]) { u.search = ''; u.hash = ''; }
  return a.href === b.href;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks 7-11: claims, method, URL, freshness, nonce, replay. */
async function checkClaims(p: Record<string, unknown>, e: DpopExpectation, jkt: string): Promise<{ jti: string; iat: number }> {
  const { jti, iat, htm } = p;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256 || typeof iat !== 'number' || !Number.isFinite(iat)) fail('ERR_DPOP_MALFORMED');
  if (htm !== e.htm.toUpperCase()) fail('ERR_DPOP_HTM');
  if (!sameUrl(p.htu, e.htu)) fail('ERR_DPOP_HTU');
  const now = (e.now ?? (() => Math.floor(Date.now() / 1000)))();
  const maxAge = e.maxAge ?? 60;
  if (Math.abs(now - iat) > maxAge) fail('ERR_DPOP_IAT');
  if (e.nonce && !e.nonce(p.nonce)) fail('ERR_DPOP_NONCE');
  if (e.replay && !await e.replay.firstUse(`${jkt}:${jti}`, now + maxAge)) fail('ERR_DPOP_REPLAY');
  return { jti, iat };
}

/** Check 12: `ath` and the key the token is bound to. */
function checkBinding(p: Record<string, unknown>, e: DpopExpectation, jkt: string): void {
  if (e.accessToken !== undefined && (typeof p.ath !== 'string' || !equal(p.ath, accessTokenHash(e.accessToken)))) fail('ERR_DPOP_ATH');
  if (e.jkt !== undefined && !equal(jkt, e.jkt)) fail('ERR_DPOP_JKT');
}

/**
 * Verifies a DPoP proof JWT per RFC 9449 §4.3 (and §7.1 at a resource server:
 * `ath` and the token's `cnf.jkt`). Replay is checked last, so a proof that fails
 * another check does not burn its `jti`.
 *
 * @throws BindingError (one public message; `code` for logs).
 */
export async function verifyDpopProof(proof: unknown, expect: DpopExpectation): Promise<VerifiedDpopProof> {
  const { payload, jkt } = await verifySignature(proof, expect.algorithms ?? DPOP_ALGORITHMS);
  checkBinding(payload, expect, jkt);
  const { jti, iat } = await checkClaims(payload, expect, jkt);
  return { jkt, jti, iat };
}
