/**
 * Authorization on a verified token's claims, shared by the Koa and Express
 * middleware: a failed check is RFC 6750 §3.1 `insufficient_scope` (403).
 */
import type { AuthorizationDetail, VerifiedAccessToken } from '../verify/claims.js';

/** A check of one verified token, with the `reason` logged when it fails. */
export interface Authorization {
  allows(token: VerifiedAccessToken): boolean;
  reason: string;
}

/** Every listed permission must be in the token's `permissions` claim. */
export function permissionsAuthorization(permissions: string[]): Authorization {
  return {
    reason: 'ERR_PERMISSIONS',
    allows(token) {
      const granted = Array.isArray(token.claims.permissions) ? token.claims.permissions : [];
      return permissions.every((p) => granted.includes(p));
    },
  };
}

/** Some `authorization_details` entry of `type` must satisfy `predicate` (RFC 9396 §9). */
export function detailsAuthorization(type: string, predicate: (detail: AuthorizationDetail, token: VerifiedAccessToken) => boolean): Authorization {
  return {
    reason: 'ERR_AUTHORIZATION_DETAILS',
    allows(token) {
      const details = Array.isArray(token.claims.authorization_details) ? token.claims.authorization_details : [];
      return details.some((d) => d?.type === type && predicate(d, token));
    },
  };
}
