/**
 * Framework-neutral request handling for the middleware: reads the credentials
 * (RFC 6750 §2.1 / RFC 9449 §7.1 Authorization header, the DPoP header, the TLS
 * client certificate), verifies them, and builds the WWW-Authenticate challenge.
 */
import type { IncomingMessage } from 'node:http';
import { certificateThumbprint, DPOP_ALGORITHMS, type CertificateSource } from '../binding/index.js';
import type { Presentation, VerifiedAccessToken } from '../verify/claims.js';
import { AccessTokenError } from '../verify/errors.js';
import type { Verifier } from '../verify/verifier.js';

export interface RequireTokenOptions {
  /** realm in challenges (default "api") */
  realm?: string;
  /**
   * the public origin clients use, e.g. https://api.example.com; DPoP `htu` is
   * checked against it plus the request path. Default: taken from the request's
   * Host and protocol, right only when clients reach this process directly.
   */
  publicOrigin?: string;
  /** where client certificates come from (default: the TLS socket only) */
  certificates?: CertificateSource;
  /** issues DPoP nonces when the verifier requires them (RFC 9449 §9) */
  dpopNonces?: { issue(): string };
  /** the client's address for the issuer's risk signals (introspection verifier only), e.g. `(req) => req.socket.remoteAddress` */
  presenterIp?: (req: IncomingMessage) => string | undefined;
}

const CREDENTIALS = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  if (Array.isArray(value)) throw new AccessTokenError(name === 'dpop' ? 'invalid_dpop_proof' : 'invalid_request', 'ERR_REPEATED_HEADER');
  return value;
}

function requestUrl(req: IncomingMessage, opts: RequireTokenOptions): string {
  const path = (req.url ?? '/').split('?')[0];
  if (opts.publicOrigin) return new URL(path, opts.publicOrigin).href;
  const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
  return new URL(path, `${tls ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`).href;
}

function thumbprintOf(req: IncomingMessage, opts: RequireTokenOptions): string | undefined {
  const found = opts.certificates?.certificate(req);
  if (found) return certificateThumbprint(found.cert);
  const socket = req.socket as { getPeerX509Certificate?: () => import('node:crypto').X509Certificate | undefined };
  const cert = socket.getPeerX509Certificate?.();
  return cert ? certificateThumbprint(cert) : undefined;
}

/** Reads and verifies the request's access token. */
export async function authenticate(req: IncomingMessage, verifier: Verifier, opts: RequireTokenOptions): Promise<VerifiedAccessToken> {
  const authorization = header(req, 'authorization');
  if (!authorization) throw new AccessTokenError('invalid_token', 'ERR_NO_TOKEN');
  const m = CREDENTIALS.exec(authorization);
  if (!m) throw new AccessTokenError('invalid_request', 'ERR_AUTHORIZATION_HEADER');
  const presentation: Presentation = {
    scheme: m[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer',
    dpopProof: header(req, 'dpop'),
    method: req.method ?? 'GET',
    url: requestUrl(req, opts),
    certificateThumbprint: thumbprintOf(req, opts),
    presenterIp: opts.presenterIp?.(req),
  };
  return verifier.verify(m[2], presentation);
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '')}"`;
}

/** RFC 6750 §3 / RFC 9449 §7.1 challenges for a failure; the error goes on the scheme the client used. */
export function challenge(err: AccessTokenError, req: IncomingMessage, opts: RequireTokenOptions): string {
  const realm = `realm=${quote(opts.realm ?? 'api')}`;
  const usedDpop = /^dpop /i.test(String(req.headers.authorization ?? '')) || err.code === 'invalid_dpop_proof' || err.code === 'use_dpop_nonce';
  // RFC 9470 §3: insufficient_user_authentication names the acr_values to ask for
  const acr = err.acrValues ? `, acr_values=${quote(err.acrValues)}` : '';
  const error = err.reason === 'ERR_NO_TOKEN' ? '' : `, error=${quote(err.code)}, error_description=${quote(err.description)}${acr}`;
  const bearer = `Bearer ${realm}${usedDpop ? '' : error}`;
  const dpop = `DPoP ${realm}, algs=${quote(DPOP_ALGORITHMS.join(' '))}${usedDpop ? error : ''}`;
  return `${bearer}, ${dpop}`;
}

/** Status, headers and body for a failure. */
export function failure(err: AccessTokenError, req: IncomingMessage, opts: RequireTokenOptions) {
  const headers: Record<string, string> = { 'WWW-Authenticate': challenge(err, req, opts), 'Cache-Control': 'no-store' };
  if (err.code === 'use_dpop_nonce' && opts.dpopNonces) headers['DPoP-Nonce'] = opts.dpopNonces.issue();
  const body = err.reason === 'ERR_NO_TOKEN' ? { error: 'invalid_token', error_description: 'an access token is required' } : { error: err.code, error_description: err.description };
  return { status: err.status, headers, body };
}
