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
import type { IncomingMessage } from 'node:http';
import { isIP, type BlockList } from 'node:net';
import type { Exchange, Next } from './exchange.js';
import { pending, then } from './chain.js';
import { InvalidRequest, OAuthError } from '../errors/index.js';
import { coarseIp, type RiskService } from '../risk/index.js';
import { clientAddress } from './client-address.js';
import { readForm } from './form-body.js';
import { basicCredentials } from './basic-credentials.js';
import type { RequestStates } from './request-state.js';

/** What the gate leaves for the outcome half. */
export interface RiskRequest { ip: string; client?: string; presenterIp?: string }
interface State { risk?: RiskRequest; tokenResult?: 'active' | 'inactive' }

/**
 * Koa middleware: refuses deny-listed addresses and locked-out clients. The app puts it
 * on the token endpoints, the event endpoints and /me/data (app.ts).
 */
export function riskGate(deps: { risk: RiskService; trustedProxies: BlockList; requests: Pick<RequestStates<State>, 'of'> }) {
  // synchronous once the form is read and the lockout state is remembered (chain.ts `steps`)
  return function checkRisk(ctx: Exchange, next: Next): void | Promise<void> {
    if (!deps.risk.enabled) return next();
    const ip = clientAddress(ctx.req.socket.remoteAddress, ctx.get('x-forwarded-for'), deps.trustedProxies);
    return then(readForm(ctx), (form) => {
      const client = claimedClient(ctx, form?.client_id);
      const presenter = ctx.method === 'POST' && ctx.path === '/introspect' ? form?.presenter_ip : undefined;
      if (presenter !== undefined && (typeof presenter !== 'string' || isIP(presenter) === 0)) throw new InvalidRequest('presenter_ip must be one IPv4 or IPv6 address');
      return then(deps.risk.checkClient(client, ip), (refusal) => {
        if (refusal?.reason === 'denied') throw new OAuthError('invalid_request', 403, 'requests from this address are refused', `deny-listed address in ${coarseIp(ip) ?? 'an unknown network'}`);
        if (refusal) throw new OAuthError('invalid_client', 401, 'the client is temporarily locked out', `risk lockout of ${client}`, { 'Retry-After': String(refusal.retryAfter) });
        const state = deps.requests.of(ctx.req);
        if (state) state.risk = { ip, client, presenterIp: presenter as string | undefined };
        return next();
      });
    });
  };
}

/** The client a request claims (Basic credentials, else the client_id form parameter), unverified. */
function claimedClient(ctx: Exchange, formClient: unknown): string | undefined {
  const basic = basicCredentials(ctx);
  if (basic) return basic.id;
  return typeof formClient === 'string' && formClient !== '' ? formClient : undefined;
}

interface AnswerContext { req?: IncomingMessage; path: string; status: number; body?: unknown; oidc?: { client?: { clientId?: string } }; state?: { fingerprintMismatch?: string } }

/**
 * After an introspection answer: signals, then the step-up verdict. Runs once per
 * request (inside oidc-provider, or around the fast path, whichever answered). A JWT
 * answer (RFC 9701) is assessed before it is signed instead (riskBeforeSigning).
 */
export function riskOutcome(risk: RiskService, requests: Pick<RequestStates<State>, 'of'>) {
  const assess = (ctx: AnswerContext): void | Promise<void> => {
    if (ctx.status !== 200 || typeof ctx.body !== 'object' || ctx.body === null) return;
    return then(assessed(risk, requests.of(ctx.req), ctx.body as Record<string, unknown>, ctx), (body) => { ctx.body = body; });
  };
  return function assessIntrospection(ctx: AnswerContext, next: Next): void | Promise<void> {
    if (ctx.path !== '/introspect') return next(); // nothing to assess: no continuation of its own
    const rest = next();
    return pending(rest) ? rest.then(() => assess(ctx)) : assess(ctx);
  };
}

/**
 * RFC 9701: oidc-provider signs the introspection answer into a JWT (an IdToken issued
 * for use `introspection`) before any outer middleware sees it, so the same assessment
 * runs on the answer just before it is signed: a user who must step up, or whose
 * session a risk decision ended, is `active: false` in the JWT too.
 */
export function riskBeforeSigning(provider: { IdToken: { prototype: Record<string, unknown> } }, risk: RiskService, requests: Pick<RequestStates<State>, 'of'>, current: () => AnswerContext | undefined): void {
  const proto = provider.IdToken.prototype;
  const issue = proto.issue as (this: unknown, opts?: { use?: string }) => Promise<string>;
  proto.issue = async function (this: { extra?: { token_introspection?: Record<string, unknown> } }, opts?: { use?: string }) {
    const answer = this.extra?.token_introspection;
    const ctx = current();
    if (opts?.use === 'introspection' && answer && ctx) {
      this.extra = { ...this.extra, token_introspection: await assessed(risk, requests.of(ctx.req), answer, ctx) };
    }
    return issue.call(this, opts);
  };
}

/** The answer after the risk checks (once per request: the request's risk state is consumed); without a promise when the risk service answers without one. */
function assessed(risk: RiskService, state: State | undefined, body: Record<string, unknown>, ctx: AnswerContext): Record<string, unknown> | Promise<Record<string, unknown>> {
  const r = state?.risk;
  if (!state || !r) return body;
  state.risk = undefined;
  const caller = ctx.oidc?.client?.clientId ?? r.client;
  return then(risk.introspected({ claims: body, caller, callerIp: r.ip, presenterIp: r.presenterIp, active: body.active === true }), (verdict) => judged(risk, state, body, ctx, r, caller, verdict));
}

function judged(risk: RiskService, state: State, body: Record<string, unknown>, ctx: AnswerContext, r: RiskRequest, caller: string | undefined, verdict: Awaited<ReturnType<RiskService['introspected']>>): Record<string, unknown> | Promise<Record<string, unknown>> {
  if (body.active === true && !verdict.active) {
    state.tokenResult = 'inactive';
    return verdict.stepUp ? { active: false, step_up: { error: 'insufficient_user_authentication', acr_values: verdict.stepUp.acr_values } } : { active: false };
  }
  // FINGERPRINT_MISMATCH=step_up: the bound token was presented from another device
  const mismatchOf = ctx.state?.fingerprintMismatch;
  if (body.active !== true && mismatchOf) {
    return then(risk.fingerprintMismatch(mismatchOf, r.presenterIp ?? r.ip, caller), (acr) => (acr ? { active: false, step_up: { error: 'insufficient_user_authentication', acr_values: acr } } : body));
  }
  return body;
}
