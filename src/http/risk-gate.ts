/**
 * Risk checks at the token endpoints (issue 7), in two halves like the throttle:
 *  - `riskGate` (Koa, first among the endpoint middleware, also at the event endpoints
 *    and /me/data): the client address
 *    (trusted proxies only, client-address.ts), a deny-listed address or a locked-out
 *    client is refused; at /introspect the optional `presenter_ip` form parameter (the
 *    address the resource server saw the token come from) is validated;
 *  - `riskOutcome` (oidc-provider middleware, and Koa middleware around the fast path):
 *    feeds the introspection answer to the risk service, and replaces an active answer
 *    by `{active: false, step_up: {...}}` when the user must step up, and gives a
 *    fingerprint mismatch the same answer under FINGERPRINT_MISMATCH=step_up (docs/risk.md).
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import { isIP, type BlockList } from 'node:net';
import type { Context, Next } from 'koa';
import { InvalidRequest, OAuthError } from '../errors/index.js';
import type { RiskService } from '../risk/index.js';
import { clientAddress } from './client-address.js';
import { readForm } from './form-body.js';

/** What the gate leaves for the outcome half. */
export interface RiskRequest { ip: string; client?: string; presenterIp?: string }
interface State { risk?: RiskRequest; tokenResult?: 'active' | 'inactive' }

/**
 * Koa middleware: refuses deny-listed addresses and locked-out clients. The app puts it
 * on the token endpoints, the event endpoints and /me/data (app.ts).
 */
export function riskGate(deps: { risk: RiskService; trustedProxies: BlockList; requests: AsyncLocalStorage<State> }) {
  return async function checkRisk(ctx: Context, next: Next): Promise<void> {
    if (!deps.risk.enabled) return next();
    const ip = clientAddress(ctx.req.socket.remoteAddress, ctx.get('x-forwarded-for'), deps.trustedProxies);
    const form = await readForm(ctx);
    const client = claimedClient(ctx.get('authorization'), form?.client_id);
    const presenter = ctx.method === 'POST' && ctx.path === '/introspect' ? form?.presenter_ip : undefined;
    if (presenter !== undefined && (typeof presenter !== 'string' || isIP(presenter) === 0)) throw new InvalidRequest('presenter_ip must be one IPv4 or IPv6 address');
    const refusal = await deps.risk.checkClient(client, ip);
    if (refusal?.reason === 'denied') throw new OAuthError('invalid_request', 403, 'requests from this address are refused', `deny-listed ${ip}`);
    if (refusal) throw new OAuthError('invalid_client', 401, 'the client is temporarily locked out', `risk lockout of ${client}`, { 'Retry-After': String(refusal.retryAfter) });
    const state = deps.requests.getStore();
    if (state) state.risk = { ip, client, presenterIp: presenter as string | undefined };
    return next();
  };
}

function claimedClient(authorization: string, formClient: unknown): string | undefined {
  const basic = /^basic +([A-Za-z0-9+/=]+)$/i.exec(authorization);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    try {
      if (colon > 0) return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    } catch {
      return undefined;
    }
  }
  return typeof formClient === 'string' && formClient !== '' ? formClient : undefined;
}

interface AnswerContext { path: string; status: number; body?: unknown; oidc?: { client?: { clientId?: string } }; state?: { fingerprintMismatch?: string } }

/**
 * After an introspection answer: signals, then the step-up verdict. Runs once per
 * request (inside oidc-provider, or around the fast path, whichever answered).
 */
export function riskOutcome(risk: RiskService, requests: AsyncLocalStorage<State>) {
  return async function assessIntrospection(ctx: AnswerContext, next: () => Promise<void>): Promise<void> {
    await next();
    const state = requests.getStore();
    const r = state?.risk;
    if (!r || ctx.path !== '/introspect' || ctx.status !== 200 || typeof ctx.body !== 'object' || ctx.body === null) return;
    state.risk = undefined;
    const body = ctx.body as Record<string, unknown>;
    const verdict = await risk.introspected({
      claims: body, caller: ctx.oidc?.client?.clientId ?? r.client, callerIp: r.ip, presenterIp: r.presenterIp, active: body.active === true,
    });
    if (body.active === true && !verdict.active) {
      ctx.body = verdict.stepUp ? { active: false, step_up: { error: 'insufficient_user_authentication', acr_values: verdict.stepUp.acr_values } } : { active: false };
      state.tokenResult = 'inactive';
    }
    // FINGERPRINT_MISMATCH=step_up: the bound token was presented from another device
    const mismatchOf = ctx.state?.fingerprintMismatch;
    if (body.active !== true && mismatchOf) {
      const acr = await risk.fingerprintMismatch(mismatchOf, r.presenterIp ?? r.ip, ctx.oidc?.client?.clientId ?? r.client);
      if (acr) ctx.body = { active: false, step_up: { error: 'insufficient_user_authentication', acr_values: acr } };
    }
  };
}
