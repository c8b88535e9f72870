/**
 * An access token presented to the issuer itself as a resource server (RFC 6750): at
 * /me/data, and by an API gateway on behalf of its client (src/gateway). The token is
 * opened as introspection opens it (signature, decryption, expiry, revocation state),
 * then held to what it is bound to: a DPoP proof for the request it came with
 * (RFC 9449 §7.1), the client certificate (RFC 8705 §3), the device fingerprint.
 * Every refusal is an `invalid_token` with the challenge RFC 6750 §3 / RFC 9449 §7.1 ask for.
 */
import type { X509Certificate } from 'node:crypto';
import { BindingError, certificateThumbprint, DPOP_ALGORITHMS, verifyDpopProof, type ReplayCache } from '../binding/index.js';
import type { TokenService } from '../access-tokens/index.js';
import { OAuthError } from '../errors/index.js';
import type { FingerprintPolicy, FingerprintService } from '../fingerprint/index.js';
import type { AccessTokenClaims } from '../tokens/index.js';

/** The request a token came with, as the one who received it saw it. */
export interface PresentedRequest {
  /** the Authorization header value */
  authorization: string;
  /** the DPoP header value, if any */
  dpop?: string;
  /** the method and the full URL the client called (RFC 9449 §4.3 htm, htu) */
  method: string;
  url: string;
  /** the presenter's device fingerprint, if sent */
  fingerprint?: string;
  /** the client certificate the presenter's TLS connection showed, if any */
  certificate?: X509Certificate;
}

export interface PresentedTokenDeps {
  tokens: Pick<TokenService, 'open'>;
  fingerprints: { service: Pick<FingerprintService, 'verify'>; policy(clientId: string): Promise<FingerprintPolicy> };
  /** DPoP proof ids seen, shared by every process */
  replay: ReplayCache;
  /** how far a proof's iat may be from now, in seconds */
  proofMaxAge: number;
  /** realm of the challenges */
  realm: string;
}

export type PresentedClaims = AccessTokenClaims & { cnf?: { jkt?: string; 'x5t#S256'?: string }; permissions?: string[]; kind?: string; fpp?: unknown; fpd?: unknown };

const SCHEME = /^(Bearer|DPoP) +([A-Za-z0-9._~+/-]+=*)$/i;

/** RFC 6750 §3 (and RFC 9449 §7.1 for DPoP): a 401 whose challenge names the scheme and why. */
export function invalidToken(realm: string, detail: string, scheme: 'Bearer' | 'DPoP' = 'Bearer', description = 'the access token is invalid'): OAuthError {
  const params = [`realm="${realm}"`, 'error="invalid_token"', `error_description="${description}"`];
  if (scheme === 'DPoP') params.push(`algs="${DPOP_ALGORITHMS.join(' ')}"`);
  return new OAuthError('invalid_token', 401, description, detail, { 'WWW-Authenticate': `${scheme} ${params.join(', ')}` });
}

/** The claims of the presented token, once it is active and bound as it must be; throws invalid_token otherwise. */
export async function presentedToken(req: PresentedRequest, deps: PresentedTokenDeps): Promise<PresentedClaims> {
  const [, scheme, token] = SCHEME.exec(req.authorization) ?? [];
  if (!token) {
    const challenge = `Bearer realm="${deps.realm}"`; // RFC 6750 §3.1: no error code when no token was sent
    throw new OAuthError('invalid_token', 401, 'an access token is required', 'no bearer token', { 'WWW-Authenticate': challenge });
  }
  const asDpop = scheme.toLowerCase() === 'dpop';
  const opened = await deps.tokens.open(token);
  if (!opened) throw invalidToken(deps.realm, 'not an active token', asDpop ? 'DPoP' : 'Bearer');
  const claims = opened.claims as PresentedClaims;
  await checkBinding(req, claims, token, asDpop, deps);
  await checkDevice(req, claims, deps);
  return claims;
}

async function checkBinding(req: PresentedRequest, claims: PresentedClaims, token: string, asDpop: boolean, deps: PresentedTokenDeps): Promise<void> {
  const jkt = claims.cnf?.jkt;
  const x5t = claims.cnf?.['x5t#S256'];
  if (!jkt && asDpop) throw invalidToken(deps.realm, 'DPoP scheme for a token not bound to a key');
  if (jkt) {
    if (!asDpop) throw invalidToken(deps.realm, 'DPoP-bound token sent as Bearer', 'DPoP'); // RFC 9449 §7.1
    try {
      await verifyDpopProof(req.dpop, { htm: req.method, htu: req.url, accessToken: token, jkt, replay: deps.replay, maxAge: deps.proofMaxAge });
    } catch (err) {
      if (err instanceof BindingError) throw invalidToken(deps.realm, err.code, 'DPoP');
      throw err;
    }
  }
  if (x5t && (!req.certificate || certificateThumbprint(req.certificate) !== x5t)) throw invalidToken(deps.realm, 'certificate-bound token without its certificate'); // RFC 8705 §3
}

async function checkDevice(req: PresentedRequest, claims: PresentedClaims, deps: PresentedTokenDeps): Promise<void> {
  const clientId = String(claims.client_id);
  const ok = await deps.fingerprints.service.verify({
    claims: { sub: String(claims.sub), fpp: claims.fpp, fpd: claims.fpd }, presented: req.fingerprint, policy: await deps.fingerprints.policy(clientId), clientId,
  });
  if (!ok) throw invalidToken(deps.realm, 'fingerprint mismatch');
}
