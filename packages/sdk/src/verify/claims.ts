import type { AccessTokenClaims } from '../token/index.js';

/** One RFC 9396 authorization details entry. */
export interface AuthorizationDetail {
  type: string;
  actions?: string[];
  locations?: string[];
  datatypes?: string[];
  identifier?: string;
  [field: string]: unknown;
}

/** Claims of a verified Portcullis access token (RFC 9068 plus binding and authorization claims). */
export interface PortcullisClaims extends AccessTokenClaims {
  cnf?: { jkt?: string; 'x5t#S256'?: string };
  /** permissions granted to the subject within the requested scope */
  permissions?: string[];
  /** RFC 9396 authorization details */
  authorization_details?: AuthorizationDetail[];
  sid?: string;
}

/** How the token was bound to its presenter. */
export type Binding = 'bearer' | 'dpop' | 'mtls';

/** What {@link verifyAccessToken} returns. */
export interface VerifiedAccessToken {
  claims: PortcullisClaims;
  subject: string;
  clientId: string | undefined;
  scopes: string[];
  binding: Binding;
}

/** The presenter's side of a request: scheme, DPoP proof, client certificate. */
export interface Presentation {
  /** the Authorization scheme the token came with (default Bearer) */
  scheme?: 'Bearer' | 'DPoP';
  /** the DPoP header, if any */
  dpopProof?: string;
  /** HTTP method of the request */
  method?: string;
  /** the full URL the client requested (scheme, host, path) */
  url?: string;
  /** RFC 8705 thumbprint (x5t#S256) of the TLS client certificate, if any */
  certificateThumbprint?: string;
  /** the presenter's address; the introspection verifier passes it as `presenter_ip` (risk signals, docs/risk.md) */
  presenterIp?: string;
}

/** A typed view of the claims. */
export function describe(claims: PortcullisClaims, binding: Binding): VerifiedAccessToken {
  return { claims, subject: claims.sub, clientId: claims.client_id, scopes: claims.scope ? claims.scope.split(' ') : [], binding };
}
