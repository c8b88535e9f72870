import { createHash, X509Certificate } from 'node:crypto';

/**
 * RFC 8705 §3.1 `x5t#S256`: base64url SHA-256 of the DER certificate.
 * Accepts an X509Certificate or a PEM string.
 */
export function certificateThumbprint(cert: X509Certificate | string): string {
  const der = cert instanceof X509Certificate ? cert.raw : new X509Certificate(cert).raw;
  return createHash('sha256').update(der).digest('base64url');
}

/** RFC 9449 §6.1 `ath`: base64url SHA-256 of the ASCII access token. */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url');
}
