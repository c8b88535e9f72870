/**
 * oidc-provider configuration for claims-based authorization (src/authz):
 *   - extraTokenClaims puts `permissions` in every access token: the subject's granted
 *     permissions narrowed to the token's granted scope (authz/narrow.ts);
 *   - richAuthorizationRequests (RFC 9396) with the types of authz/detail-types.ts,
 *     each detail validated on request (invalid -> invalid_authorization_details) and
 *     checked against policy (authz/policy.ts) before it goes into a token.
 * Grants are read through a cache of `cacheMs` (1 s): a role or assignment change
 * reaches new tokens of every issuer process within that time.
 */
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import {
  DETAIL_TYPE_NAMES, detailProblem, detailRefusal, detailsRefusal, grantedPermissions, narrowPermissions,
  type AuthorizationDetail, type Subject,
} from '../authz/index.js';
import type { Database } from '../storage/index.js';
import { createTtlCache } from '../cache/index.js';

export interface AuthzConfigDeps {
  db: Database;
  cacheMs?: number;
  /** the cache's clock, epoch ms */
  now?: () => number;
  /** a subject's direct grants (a user's own permissions); roles only when absent */
  directPermissions?: (subject: Subject) => Promise<string[]>;
}

type TokenLike = { kind?: string; accountId?: string; clientId?: string; scope?: string; resourceServer?: { audience?: string }; rar?: AuthorizationDetail[] };

/** The subject a token is about: the user for user-delegated tokens, else the client. */
function subjectOf(token: TokenLike): Subject {
  return token.kind === 'AccessToken' && token.accountId ? { kind: 'user', id: token.accountId } : { kind: 'client', id: String(token.clientId) };
}

function parseRequested(ctx: KoaContextWithOIDC): AuthorizationDetail[] {
  // checkRar has already parsed and validated this parameter once
  const raw = ctx.oidc.params?.authorization_details;
  return typeof raw === 'string' ? JSON.parse(raw) as AuthorizationDetail[] : [];
}

/** The pieces of oidc-provider Configuration for permissions and authorization details. */
export function createAuthzConfiguration(deps: AuthzConfigDeps) {
  const grants = createTtlCache(async (key: string) => {
    const subject = JSON.parse(key) as Subject;
    return grantedPermissions(deps.db, subject, await deps.directPermissions?.(subject) ?? []);
  }, { ttlMs: deps.cacheMs ?? 1000, now: deps.now });
  const granted = (token: TokenLike) => grants.get(JSON.stringify(subjectOf(token)));

  const extraTokenClaims = async (_ctx: unknown, token: TokenLike) => ({ permissions: narrowPermissions(await granted(token), token.scope) });

  const validate = (_ctx: unknown, detail: unknown) => {
    const problem = detailProblem(detail);
    if (problem) throw new errors.InvalidAuthorizationDetails(problem);
  };

  /** RFC 9396 §6: what the token gets. Requested details are refused whole; inherited ones are filtered. */
  async function forAccessToken(ctx: KoaContextWithOIDC, token: TokenLike, source?: TokenLike) {
    const context = { audience: token.resourceServer?.audience, granted: await granted(token) };
    if (source) return source.rar?.filter((d) => !detailRefusal(d, context));
    const requested = parseRequested(ctx);
    const refusal = detailsRefusal(requested, context);
    if (refusal) throw new errors.InvalidAuthorizationDetails(refusal);
    return requested;
  }

  return {
    extraTokenClaims,
    authorizationDetailsTypes: [...DETAIL_TYPE_NAMES],
    richAuthorizationRequests: {
      enabled: true,
      types: Object.fromEntries(DETAIL_TYPE_NAMES.map((name) => [name, { validate }])),
      // user-delegated grants keep what the user consented to (interaction code stores it on the grant)
      authorizationDetailsForGrantSource: async (ctx: KoaContextWithOIDC) => (ctx.oidc.grant as { rar?: AuthorizationDetail[] } | undefined)?.rar,
      authorizationDetailsForAccessToken: forAccessToken,
      authorizationDetailsForIntrospection: async (_ctx: unknown, token: TokenLike) => token.rar,
    },
  };
}
