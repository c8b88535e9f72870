/**
 * oidc-provider's storage adapter for the AccessToken and ClientCredentials models.
 * Portcullis access tokens are sealed, never stored (token-format.ts), so each adapter
 * call is answered from the token itself or the revocation state:
 *  - `find(value)`: oidc-provider looks an opaque token up by its value, which here is
 *    the nested token: it is opened (signature, decryption, expiry, revocation) and the
 *    payload oidc-provider would have stored is returned;
 *  - `destroy(jti)`: revocation at /revoke (RFC 7009): the jti is recorded until the
 *    token expires, and receivers are told;
 *  - `revokeByGrantId(gid)`: a grant ended (refresh token reuse, code replay, logout, a
 *    revoked refresh token): every token of the grant stops (each carries its `gid`).
 * /introspect and /revoke send JWT-shaped tokens prefixed with SHIELD (the HTTP layer
 * does it, see shieldToken), because oidc-provider refuses structured tokens there.
 */
import Provider from 'oidc-provider';
import type { TokenService } from '../access-tokens/index.js';
import type { OpenedToken } from '../tokens/index.js';
import { payloadOf, type ModelPayload } from './token-claims.js';
import { stateOf } from './request-state.js';

/** Prefix that makes a JWT-shaped token opaque to oidc-provider's structured-token check. */
export const SHIELD = '~';

/** What receivers learn of a token revoked at /revoke. */
export interface RevokedToken { jti: string; exp?: number; aud?: string; sub?: string; sid?: string }

export interface TokenAdapterDeps {
  tokens: TokenService;
  /** a token was revoked at /revoke */
  revoked(token: RevokedToken): Promise<void>;
}

type Kind = 'AccessToken' | 'ClientCredentials';

/** The adapter object for one of the two token models. */
export function tokenAdapter(kind: Kind, deps: TokenAdapterDeps) {
  return {
    async find(value: string): Promise<ModelPayload | undefined> {
      const opened = await open(deps.tokens, value);
      if (!opened) return undefined;
      const payload = payloadOf(opened);
      return payload.kind === kind ? payload : undefined;
    },
    async destroy(jti: string): Promise<void> {
      const claims = presentedClaims(jti);
      await deps.tokens.revoke(jti, claims?.exp);
      await deps.revoked({ jti, exp: claims?.exp, aud: claims?.aud, sub: claims?.sub, sid: claims?.sid as string | undefined });
    },
    async revokeByGrantId(grantId: string): Promise<void> {
      if (kind === 'AccessToken') await deps.tokens.revokeGrant(grantId);
    },
    async upsert(): Promise<void> {
      throw new TypeError(`${kind} tokens are sealed, never stored`);
    },
    async consume(): Promise<void> {},
    async findByUid(): Promise<undefined> { return undefined; },
    async findByUserCode(): Promise<undefined> { return undefined; },
  };
}

/** Opens a presented token and keeps it on the request (one request, one token). */
async function open(tokens: TokenService, value: unknown): Promise<OpenedToken | undefined> {
  if (typeof value !== 'string') return undefined;
  const opened = await tokens.open(value.startsWith(SHIELD) ? value.slice(SHIELD.length) : value);
  const state = stateOf(Provider.ctx);
  if (state && opened) state.opened = opened;
  return opened;
}

/** The claims of the token this request presented, when its jti is `jti`. */
function presentedClaims(jti: string) {
  const claims = stateOf(Provider.ctx)?.opened?.claims;
  return claims?.jti === jti ? claims : undefined;
}
