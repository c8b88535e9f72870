/**
 * What a resource server knows about revocations pushed to it as Security Event
 * Tokens (see the receiver). verifyAccessToken consults it after the token opens.
 */
export interface RevokableToken {
  jti: string;
  sub: string;
  /** session id, for tokens issued through a user session */
  sid?: string;
  /** pseudonymous subject handle and key generation from the token's inner header */
  sh?: string;
  gen?: number;
}

export interface RevocationView {
  /** true when a received event revokes this token (by jti, by session, or by a newer subject generation) */
  isRevoked(token: RevokableToken): boolean;
}
