/**
 * Local verification of Portcullis access tokens at a resource server: the outer
 * signature against the issuer's published keys, the inner JWE with the audience's
 * opening secret (both by openToken), issuer, audience, time and `typ`,
 * then revocation events received (RevocationView) and the presenter binding.
 */
import { createReplayCache, type ReplayCache } from '../binding/index.js';
import { createDerivedKeyCache, masterAtVersion, openToken, parseOpeningSecret, TokenError, type OpenOptions } from '../token/index.js';
import { checkBinding, type DpopPolicy } from './check-binding.js';
import { describe, type PortcullisClaims, type Presentation, type VerifiedAccessToken } from './claims.js';
import { AccessTokenError } from './errors.js';
import { createJwksCache, type JwksCache } from './jwks-cache.js';
import type { RevocationView } from './revocation-view.js';

export interface VerifierOptions {
  /** the issuer identifier, e.g. https://auth.example.com */
  issuer: string;
  /** this resource server's audience (resource indicator) */
  audience: string;
  /** the opening secret `resource add` printed (pcm1.<version>.<secret>) */
  openingSecret: string;
  /** the issuer's JWKS URL (default `${issuer}/jwks`); never taken from a token */
  jwksUri?: string;
  /** allowlist of outer signature algorithms (default ES256, EdDSA, PS256) */
  algorithms?: string[];
  /** seconds of clock skew allowed (default 30) */
  clockTolerance?: number;
  /** consulted after the token opens: revoked -> invalid_token */
  revocationView?: RevocationView;
  /** DPoP proof freshness, replay cache and optional nonces (RFC 9449 §11.1) */
  dpop?: Partial<DpopPolicy>;
  /** an existing JWKS cache (shared between verifiers of one issuer) */
  jwks?: JwksCache;
  fetch?: typeof fetch;
  /** epoch seconds; defaults to the system clock */
  now?: () => number;
}

/** A configured verifier; holds the JWKS, derived-key and replay caches. */
export interface Verifier {
  verify(token: unknown, presentation?: Presentation): Promise<VerifiedAccessToken>;
}

/**
 * The audience's master at the token's version, ratcheted forward from the opening
 * secret. A version this verifier cannot reach (before the opening secret, or further
 * ahead than the ratchet goes: `masterAtVersion` refuses) is an unknown master, so the
 * token is invalid (ERR_TOKEN_AUDIENCE), never a TypeError.
 */
function mastersFrom(openingSecret: string, audience: string): OpenOptions['master'] {
  const base = parseOpeningSecret(openingSecret);
  let latest = base;
  return (aud, msv) => {
    if (aud !== audience || msv < base.version) return undefined;
    if (msv === latest.version) return latest.secret;
    let secret: Uint8Array;
    try {
      secret = masterAtVersion(msv > latest.version ? latest : base, msv);
    } catch {
      return undefined;
    }
    if (msv > latest.version) latest = { version: msv, secret };
    return secret;
  };
}

function dpopPolicy(options: VerifierOptions, now: () => number): DpopPolicy {
  const maxAge = options.dpop?.maxAge ?? 60;
  const replay: ReplayCache = options.dpop?.replay ?? createReplayCache({ now });
  return { maxAge, replay, now, nonces: options.dpop?.nonces, algorithms: options.dpop?.algorithms };
}

/** Builds a verifier for one audience. Misconfiguration throws TypeError here. */
export function createVerifier(options: VerifierOptions): Verifier {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const jwks = options.jwks ?? createJwksCache({ jwksUri: options.jwksUri ?? `${options.issuer.replace(/\/$/, '')}/jwks`, fetch: options.fetch });
  const open: OpenOptions = {
    issuer: options.issuer, audience: options.audience, algorithms: options.algorithms ?? ['ES256', 'EdDSA', 'PS256'],
    verificationKey: (kid, alg) => jwks.key(kid, alg), master: mastersFrom(options.openingSecret, options.audience),
    keyCache: createDerivedKeyCache(), clockTolerance: options.clockTolerance, now,
  };
  const policy = dpopPolicy(options, now);
  return {
    async verify(token, presentation = {}) {
      const opened = await openToken(token, open).catch((err: unknown) => {
        if (err instanceof TokenError) throw new AccessTokenError('invalid_token', err.code, { cause: err });
        throw err;
      });
      const claims = opened.claims as PortcullisClaims;
      const { sh, gen } = opened.context;
      if (options.revocationView?.isRevoked({ jti: claims.jti, sub: claims.sub, sid: claims.sid, sh, gen })) {
        throw new AccessTokenError('invalid_token', 'ERR_TOKEN_REVOKED');
      }
      return describe(claims, await checkBinding(token as string, claims, presentation, policy));
    },
  };
}

/** Either a verifier built once (keeps its JWKS, key and replay caches) or its options. */
export type VerifyAccessTokenOptions = ({ verifier: Verifier } | VerifierOptions) & { presentation?: Presentation };

/**
 * Verifies a Portcullis access token at a resource server (see {@link createVerifier}).
 * Given options instead of a verifier, it builds a one-off verifier: correct, but it
 * fetches the JWKS and forgets seen DPoP proofs every call; build one verifier and
 * pass `{ verifier }` in a server.
 *
 * @throws AccessTokenError (one description per OAuth code; `reason` for logs).
 */
export function verifyAccessToken(token: unknown, options: VerifyAccessTokenOptions): Promise<VerifiedAccessToken> {
  const verifier = 'verifier' in options ? options.verifier : createVerifier(options);
  return verifier.verify(token, options.presentation);
}
