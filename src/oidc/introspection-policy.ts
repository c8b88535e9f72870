/**
 * Who may learn about a token at /introspect and /revoke (oidc-provider's
 * `allowedPolicy`): a client sees its own tokens, or those of the resource server it
 * introspects for (RFC 7662 §4, RFC 7009 §2.1). At /introspect an allowed token then
 * passes three more checks, each of which can answer `{"active": false}`:
 *   1. the presenter's proof, when the caller passes one (binding.ts);
 *   2. the presenter's device fingerprint (fingerprint.ts);
 *   3. the risk engine: signals from the presenter's address, then whether the user
 *      must step up (RFC 9470) or their session was ended.
 * A step-up answer names the level to ask for: `{"active": false, "step_up": {...}}`.
 * The policy sets that body itself before refusing (oidc-provider leaves the body of a
 * refused token as the policy left it, and signs that body for a JWT answer, RFC 9701).
 */
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ResourceServerRecord } from '../registry/index.js';
import type { RiskService } from '../risk/index.js';
import { presentedBindingHolds, type BindingDeps } from './binding.js';
import { presentedFingerprint, type FingerprintDeps } from './fingerprint.js';
import type { TokenRequestState } from './request-state.js';

type Ctx = KoaContextWithOIDC;
type Client = { clientId: string };
type Token = { jti?: string; kind?: string; clientId?: string; accountId?: string; aud?: string | string[]; sid?: string; extra?: Record<string, unknown>; jkt?: string; 'x5t#S256'?: string };
type Policy = (ctx: Ctx, client: Client, token: Token) => Promise<boolean>;

export interface IntrospectionPolicyDeps {
  resource(audience: string): Promise<ResourceServerRecord | undefined>;
  binding: BindingDeps;
  fingerprints?: FingerprintDeps;
  risk?: Pick<RiskService, 'introspected' | 'fingerprintMismatch'>;
}

/** RFC 7662 §4 / RFC 7009 §2.1: the token's own client, or its audience's introspector. */
export function ownerOrIntrospector(resource: IntrospectionPolicyDeps['resource']): Policy {
  return async (_ctx, client, token) => {
    if (token.clientId === client.clientId) return true;
    const aud = Array.isArray(token.aud) ? token.aud[0] : token.aud;
    return aud !== undefined && (await resource(aud))?.introspector === client.clientId;
  };
}

/** The introspection endpoint's allowedPolicy. */
export function introspectionPolicy(deps: IntrospectionPolicyDeps): Policy {
  const allowed = ownerOrIntrospector(deps.resource);
  return async (ctx, client, token) => {
    if (!(await allowed(ctx, client, token))) return false;
    if (!(await presentedBindingHolds(ctx, token, deps.binding))) return false;
    const device = deps.fingerprints ? await presentedFingerprint(ctx, token, deps.fingerprints) : 'holds';
    if (device === 'mismatch' && deps.fingerprints?.mismatch === 'step_up') return stepUpForDevice(ctx, client, token, deps);
    if (device !== 'holds') return false;
    const active = await riskAllows(ctx, client, token, deps);
    (ctx.state as TokenRequestState).allowedActive = active;
    return active;
  };
}

/** The risk engine's verdict on an active, allowed token. */
async function riskAllows(ctx: Ctx, client: Client, token: Token, deps: IntrospectionPolicyDeps): Promise<boolean> {
  if (!deps.risk) return true;
  const state = ctx.state as TokenRequestState;
  const verdict = await deps.risk.introspected({
    claims: claimsOf(state, token), caller: client.clientId, callerIp: state.clientIp, presenterIp: state.presenterIp, active: true,
  });
  if (verdict.active) return true;
  return refuse(ctx, verdict.stepUp?.acr_values);
}

/** FINGERPRINT_MISMATCH=step_up: another device presented a bound token; its user signs in again. */
async function stepUpForDevice(ctx: Ctx, client: Client, token: Token, deps: IntrospectionPolicyDeps): Promise<boolean> {
  const state = ctx.state as TokenRequestState;
  const acr = await deps.risk?.fingerprintMismatch(String(token.accountId), state.presenterIp ?? state.clientIp, client.clientId);
  return refuse(ctx, acr);
}

/** Answers inactive, with the RFC 9470 step-up hint when a level is to be asked for. */
function refuse(ctx: Ctx, acrValues: string | undefined): false {
  (ctx.state as TokenRequestState).riskRefused = true;
  ctx.body = acrValues ? { active: false, step_up: { error: 'insufficient_user_authentication', acr_values: acrValues } } : { active: false };
  return false;
}

/** The claims of the presented token (opened in front of oidc-provider), or the model's. */
function claimsOf(state: TokenRequestState, token: Token): Record<string, unknown> {
  const opened = state.opened?.claims;
  if (opened?.jti === token.jti) return opened as Record<string, unknown>;
  return { ...token.extra, kind: token.kind, jti: token.jti, client_id: token.clientId, sub: token.accountId ?? token.clientId, sid: token.sid };
}
