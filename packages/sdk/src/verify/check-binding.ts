/**
 * The presenter check at a resource server: a DPoP-bound token needs the DPoP
 * scheme and a valid proof for this request (RFC 9449 §7.1), a certificate-bound
 * token needs the same client certificate (RFC 8705 §3), and a DPoP proof is never
 * accepted with a token that is not DPoP-bound (RFC 9449 §7.2).
 */
import { timingSafeEqual } from 'node:crypto';
import { BindingError, verifyDpopProof, type ReplayCache } from '../binding/index.js';
import type { Binding, PortcullisClaims, Presentation } from './claims.js';
import { AccessTokenError } from './errors.js';

export interface DpopPolicy {
  /** seconds a proof's iat may differ from now (default 60) */
  maxAge: number;
  replay: ReplayCache;
  /** when set, proofs must carry a nonce this accepts (RFC 9449 §9) */
  nonces?: { valid(nonce: unknown): boolean };
  algorithms?: readonly string[];
  now?: () => number;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function checkCertificate(expected: string, p: Presentation): void {
  if (!p.certificateThumbprint) throw new AccessTokenError('invalid_token', 'ERR_MTLS_MISSING');
  if (!equal(p.certificateThumbprint, expected)) throw new AccessTokenError('invalid_token', 'ERR_MTLS_THUMBPRINT');
}

async function checkDpop(token: string, jkt: string, p: Presentation, policy: DpopPolicy): Promise<void> {
  if (p.scheme !== 'DPoP') throw new AccessTokenError('invalid_token', 'ERR_DPOP_BEARER_USE');
  if (!p.dpopProof || !p.method || !p.url) throw new AccessTokenError('invalid_dpop_proof', 'ERR_DPOP_MISSING');
  try {
    await verifyDpopProof(p.dpopProof, {
      htm: p.method, htu: p.url, accessToken: token, jkt, maxAge: policy.maxAge, replay: policy.replay,
      now: policy.now, algorithms: policy.algorithms,
      nonce: policy.nonces ? (n) => policy.nonces!.valid(n) : undefined,
    });
  } catch (err) {
    if (!(err instanceof BindingError)) throw err;
    if (err.code === 'ERR_DPOP_NONCE') throw new AccessTokenError('use_dpop_nonce', err.code);
    // RFC 9449 §7.1: a proof that does not match the token's key is an invalid token
    throw new AccessTokenError(err.code === 'ERR_DPOP_JKT' ? 'invalid_token' : 'invalid_dpop_proof', err.code, { cause: err });
  }
}

/** Checks the token's cnf against the presentation; returns the binding kind. */
export async function checkBinding(token: string, claims: PortcullisClaims, p: Presentation, policy: DpopPolicy): Promise<Binding> {
  const cnf = claims.cnf ?? {};
  if (typeof cnf['x5t#S256'] === 'string') checkCertificate(cnf['x5t#S256'], p);
  if (typeof cnf.jkt === 'string') {
    await checkDpop(token, cnf.jkt, p, policy);
    return 'dpop';
  }
  if (p.scheme === 'DPoP') throw new AccessTokenError('invalid_token', 'ERR_DPOP_UNBOUND_TOKEN');
  return typeof cnf['x5t#S256'] === 'string' ? 'mtls' : 'bearer';
}
