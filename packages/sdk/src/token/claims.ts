/**
 * Access token claims, per the JWT profile for OAuth 2.0 access tokens
 * (RFC 9068 §2.2). Portcullis issues one audience per token, so `aud` is a string.
 */
export interface AccessTokenClaims {
  iss: string;
  /** the real subject; only ever inside the encrypted payload */
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  jti: string;
  /** REQUIRED by RFC 9068 §2.2; optional here so other token kinds can reuse the type */
  client_id?: string;
  scope?: string;
  nbf?: number;
  [claim: string]: unknown;
}
