/**
 * oidc-provider seam for device fingerprints (issue 6; a documented neighbour of
 * provider.ts and binding-features.ts):
 *   - `fpp` and `fpd` in user access tokens (extraTokenClaims), from the profile of the
 *     session the code or refresh token belongs to;
 *   - a provider middleware that hands the profile stored at the login step to the
 *     oidc-provider session once the sign-in resumes;
 *   - the /introspect check (allowedPolicy wrapper) of the presenter's fingerprint,
 *     form parameter `fingerprint` (JSON, as the collector produces it).
 * The comparison itself lives in src/fingerprint.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { FingerprintPolicy, FingerprintService } from '../fingerprint/index.js';
import { fingerprintProfileOf } from './oidc-bridge.js';

export interface FingerprintDeps {
  service: FingerprintService;
  /** the policy of a client (cached registry lookup) */
  policy(clientId: string): Promise<FingerprintPolicy>;
  /** FINGERPRINT_MISMATCH: `step_up` marks a mismatching request for the risk outcome (risk-gate.ts) */
  mismatch?: 'inactive' | 'step_up';
}

/** Request state a mismatch leaves when FINGERPRINT_MISMATCH is `step_up`: the user id. */
export interface FingerprintMismatchState { fingerprintMismatch?: string }

type Ctx = KoaContextWithOIDC;
type Entities = Record<string, { sessionUid?: string; accountId?: string } | undefined>;
type TokenLike = { kind?: string; accountId?: string; clientId?: string; extra?: Record<string, unknown> };

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

/**
 * provider.use middleware: when a sign-in resumes (/auth/:uid, uid being the
 * interaction the login step stored the profile under), the profile belongs to the
 * oidc-provider session from then on; codes and refresh tokens carry its uid.
 */
export function bindFingerprintSessions(deps: FingerprintDeps) {
  const bindAfter = async (ctx: Ctx, next: () => Promise<void>, uid: string): Promise<void> => {
    await next();
    if (!(ctx.oidc?.result as { login?: unknown } | undefined)?.login) return;
    const sessionUid = ctx.oidc.session?.uid;
    if (sessionUid) await deps.service.bind(uid, sessionUid);
  };
  // every other request (the token endpoints above all) passes straight through, without an async frame of its own
  return (ctx: Ctx, next: () => Promise<void>): Promise<void> => {
    const uid = RESUME.exec(ctx.path)?.[1];
    return uid ? bindAfter(ctx, next, uid) : next();
  };
}

/**
 * Wraps introspection's allowedPolicy: a bound token is active only if the presented
 * fingerprint matches or is an accepted drift. Without `fingerprint`: active unless the
 * token's client has policy `required`. Malformed input throws InvalidFingerprint,
 * which the token shield's early check has normally refused already.
 */
export function withFingerprintCheck<C, T extends TokenLike & object>(policy: (ctx: Ctx, client: C, token: T) => Promise<boolean>, deps: FingerprintDeps) {
  return async (ctx: Ctx, client: C, token: T): Promise<boolean> => {
    if (!await policy(ctx, client, token)) return false;
    const body = (ctx.oidc as unknown as { body?: Record<string, unknown> }).body;
    const presented = typeof body?.fingerprint === 'string' && body.fingerprint !== '' ? body.fingerprint : undefined;
    const fpp = fingerprintProfileOf(token);
    if (!fpp || !token.accountId) return presented === undefined || (deps.service.check(presented), true);
    const ok = await deps.service.verify({
      claims: { sub: token.accountId, fpp, fpd: token.extra?.fpd },
      presented, policy: await deps.policy(String(token.clientId)), clientId: token.clientId,
    });
    // presented and refused: a mismatch (a missing fingerprint under `required` is not one)
    if (!ok && presented !== undefined && deps.mismatch === 'step_up') (ctx as unknown as { state: FingerprintMismatchState }).state.fingerprintMismatch = token.accountId;
    return ok;
  };
}
