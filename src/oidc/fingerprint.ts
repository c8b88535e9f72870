/**
 * Device fingerprints in oidc-provider's terms (docs/fingerprint.md):
 *   - `fpp` and `fpd` in user access tokens (extraTokenClaims), from the profile of the
 *     session the code or refresh token belongs to;
 *   - when a sign-in resumes (/auth/:uid), the profile the login step stored under the
 *     interaction belongs to the oidc-provider session from then on;
 *   - at /introspect, the presenter's fingerprint (form parameter `fingerprint`, JSON as
 *     the collector produces it) compared with the profile the token is bound to.
 * The comparison itself lives in src/fingerprint.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { FingerprintPolicy, FingerprintService } from '../fingerprint/index.js';
import type { TokenRequestState } from './request-state.js';

export interface FingerprintDeps {
  service: FingerprintService;
  /** the policy of a client (cached registry lookup) */
  policy(clientId: string): Promise<FingerprintPolicy>;
  /** FINGERPRINT_MISMATCH: `step_up` answers a presented mismatch with a step-up instead of inactive */
  mismatch?: 'inactive' | 'step_up';
}

type Ctx = KoaContextWithOIDC;
type Entities = Record<string, { sessionUid?: string; accountId?: string } | undefined>;
type TokenLike = { kind?: string; jti?: string; accountId?: string; clientId?: string; extra?: Record<string, unknown> };

/** extraTokenClaims part: `fpp` and `fpd` for user tokens of a fingerprinted session. */
export function fingerprintClaims(deps: FingerprintDeps) {
  return async (ctx: Ctx, token: TokenLike) => {
    if (token.kind !== 'AccessToken' || !token.accountId || !token.clientId) return undefined;
    if ((await deps.policy(token.clientId)) === 'off') return undefined;
    const entities = ctx.oidc.entities as unknown as Entities;
    const source = entities.AuthorizationCode ?? entities.RefreshToken;
    return deps.service.claims(token.accountId, source?.sessionUid);
  };
}

const RESUME = /^\/auth\/([A-Za-z0-9_-]{1,64})$/;

/** provider.use middleware: a resumed sign-in hands the interaction's profile to the session. */
export function bindFingerprintSessions(deps: FingerprintDeps) {
  const bindAfter = async (ctx: Ctx, next: () => Promise<void>, uid: string): Promise<void> => {
    await next();
    if (ctx.oidc?.route !== 'resume' || !(ctx.oidc.result as { login?: unknown } | undefined)?.login) return;
    const sessionUid = ctx.oidc.session?.uid;
    if (sessionUid) await deps.service.bind(uid, sessionUid);
  };
  return (ctx: Ctx, next: () => Promise<void>): Promise<void> => {
    const uid = RESUME.exec(ctx.path)?.[1];
    return uid ? bindAfter(ctx, next, uid) : next(); // every other route passes through
  };
}

/** How a presented fingerprint compares: it holds, the token is refused, or another device presented it. */
export type FingerprintCheck = 'holds' | 'refused' | 'mismatch';

/**
 * A bound token is active only if the presented fingerprint matches or is an accepted
 * drift. Without `fingerprint`: active unless the token's client has policy `required`.
 * The HTTP layer has refused a malformed parameter before oidc-provider ran.
 */
export async function presentedFingerprint(ctx: Ctx, token: TokenLike, deps: FingerprintDeps): Promise<FingerprintCheck> {
  const state = ctx.state as TokenRequestState;
  const sent = state.form?.fingerprint;
  const presented = typeof sent === 'string' && sent !== '' ? sent : undefined;
  const opened = state.opened?.claims;
  const fpp = opened?.jti === token.jti ? opened?.fpp : undefined;
  if (typeof fpp !== 'string' || !token.accountId) return 'holds';
  const ok = await deps.service.verify({
    claims: { sub: token.accountId, fpp, fpd: token.extra?.fpd },
    presented, policy: await deps.policy(String(token.clientId)), clientId: token.clientId,
  });
  if (ok) return 'holds';
  return presented !== undefined ? 'mismatch' : 'refused'; // a missing fingerprint under `required` is no mismatch
}
