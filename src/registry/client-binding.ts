/**
 * Client metadata for sender-constrained tokens and TLS client authentication
 *: RFC 8705 `tls_client_auth` (a CA-issued certificate whose subject is
 * registered), `self_signed_tls_client_auth` (the client's own certificates,
 * registered as a JWKS with `x5c`), `tls_client_certificate_bound_access_tokens`
 * (RFC 8705 §3.4) and `dpop_bound_access_tokens` (RFC 9449 §5.2).
 */
import { X509Certificate } from 'node:crypto';

export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'tls_client_auth', 'self_signed_tls_client_auth'] as const;
export type AuthMethod = typeof AUTH_METHODS[number];

export interface ClientBinding {
  authMethod?: AuthMethod;
  /** tls_client_auth: the certificate subject DN (RFC 4514), e.g. "CN=svc,O=Acme" */
  tlsSubjectDn?: string;
  /** tls_client_auth: a dNSName SAN instead of the subject DN */
  tlsSanDns?: string;
  /** self_signed_tls_client_auth: the client's certificates as PEM */
  certificates?: string[];
  /** every access token of this client must be certificate-bound */
  certificateBound?: boolean;
  /** every access token of this client must be DPoP-bound */
  dpopBound?: boolean;
}

/** True when the method authenticates with a client secret. */
export function usesSecret(binding: ClientBinding | undefined): boolean {
  return !binding?.authMethod || binding.authMethod.startsWith('client_secret');
}

/** One-line problem with the binding options, or undefined. */
export function bindingProblem(b: ClientBinding | undefined): string | undefined {
  if (!b) return undefined;
  if (b.authMethod && !(AUTH_METHODS as readonly string[]).includes(b.authMethod)) return `unsupported auth method ${b.authMethod} (supported: ${AUTH_METHODS.join(', ')})`;
  if (b.authMethod === 'tls_client_auth' && !b.tlsSubjectDn === !b.tlsSanDns) return 'tls_client_auth needs exactly one of a subject DN or a SAN DNS name';
  if (b.authMethod === 'self_signed_tls_client_auth' && !b.certificates?.length) return 'self_signed_tls_client_auth needs the client certificate';
  for (const pem of b.certificates ?? []) {
    try { new X509Certificate(pem); } catch { return 'not a PEM certificate'; }
  }
  return undefined;
}

function jwkOf(pem: string): Record<string, unknown> {
  const cert = new X509Certificate(pem);
  return { ...cert.publicKey.export({ format: 'jwk' }), x5c: [cert.raw.toString('base64')] };
}

/** The oidc-provider client metadata for `b` (merged over the defaults). */
export function bindingMetadata(b: ClientBinding | undefined): Record<string, unknown> {
  if (!b) return {};
  return {
    ...(b.authMethod ? { token_endpoint_auth_method: b.authMethod } : {}),
    ...(b.tlsSubjectDn ? { tls_client_auth_subject_dn: b.tlsSubjectDn } : {}),
    ...(b.tlsSanDns ? { tls_client_auth_san_dns: b.tlsSanDns } : {}),
    ...(b.certificates?.length ? { jwks: { keys: b.certificates.map(jwkOf) } } : {}),
    ...(b.certificateBound ? { tls_client_certificate_bound_access_tokens: true } : {}),
    // portcullis_dpop_bound remembers that the admin asked for DPoP (--bind dpop), apart
    // from the DPoP a fingerprint policy of `off` imposes (clients.ts setClientFingerprint)
    ...(b.dpopBound ? { dpop_bound_access_tokens: true, portcullis_dpop_bound: true } : {}),
  };
}
