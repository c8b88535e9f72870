/**
 * The gate in front of every endpoint that authenticates a client or checks a token for
 * whoever asks: the token endpoints, pushed authorization requests, sign-out, the event
 * endpoints and /me/data. Before any crypto or database work:
 *   1. the risk engine refuses a deny-listed address (403) or a locked-out client (401);
 *   2. the throttle counts the request under the client address and the claimed client
 *      id (unverified: Basic credentials, else the `client_id` form parameter) and
 *      refuses it over budget or under a lockout (429, Retry-After, RateLimit fields).
 * After the answer, its outcome goes back: a failed client authentication counts
 * towards a lockout, a refused grant and an inactive token presented for introspection
 * (RFC 7662 §4 token fishing) towards the failure budget, a success clears failures.
 */
import type { BlockList } from 'node:net';
import type { Context, Middleware, Next } from 'koa';
import { OAuthError, TooManyRequests } from '../errors/index.js';
import type { TokenRequestState } from '../oidc/index.js';
import { coarseIp, type RiskService } from '../risk/index.js';
import type { Throttle, ThrottleKeys, ThrottleKind } from '../throttle/index.js';
import { basicCredentials } from './basic-credentials.js';
import { clientAddress } from './client-address.js';
import { readForm } from './form.js';
import { answeredActive } from './introspection.js';

export interface GateDeps {
  throttle: Throttle;
  risk?: RiskService;
  trustedProxies: BlockList;
}

/** The client a request claims to be, before anything verifies it. */
export type ClaimedClient = (ctx: Context) => Promise<string | undefined>;

interface Answer { status: number; error?: unknown }

/** Koa middleware gating one throttled place; `claimed` names the client (default: RFC 6749 §2.3.1 credentials). */
export function gate(kind: ThrottleKind, deps: GateDeps, claimed: ClaimedClient = oauthClient): Middleware {
  return async function gateRequest(ctx: Context, next: Next): Promise<void> {
    const keys = await callerOf(ctx, deps.trustedProxies, claimed);
    await refuseRisky(ctx, deps.risk, keys);
    const verdict = await deps.throttle.check(kind, keys);
    ctx.set(verdict.headers);
    if (!verdict.allowed) throw new TooManyRequests(verdict.retryAfter, verdict.headers, `${verdict.reason} limit on ${verdict.key}`);
    try {
      await next();
    } catch (err) {
      if (err instanceof OAuthError) await recordOutcome(ctx, deps, kind, keys, verdict.recorded, { status: err.status, error: err.error });
      throw err;
    }
    await recordOutcome(ctx, deps, kind, keys, verdict.recorded, answerOf(ctx));
  };
}

/** The client address and the client the request claims to be. */
async function callerOf(ctx: Context, trustedProxies: BlockList, claimed: ClaimedClient): Promise<ThrottleKeys> {
  const ip = clientAddress(ctx.req.socket.remoteAddress, ctx.get('x-forwarded-for'), trustedProxies);
  (ctx.state as TokenRequestState).clientIp = ip;
  const client = await claimed(ctx);
  return client ? { ip, client } : { ip };
}

/** RFC 6749 §2.3.1: Basic credentials (as sent, when malformed), else the client_id form parameter. */
async function oauthClient(ctx: Context): Promise<string | undefined> {
  const form = await readForm(ctx);
  const basic = basicCredentials(ctx);
  const named = basic ? basic.id ?? basic.rawId : form?.client_id;
  return typeof named === 'string' && named !== '' ? named : undefined;
}

async function refuseRisky(ctx: Context, risk: RiskService | undefined, keys: ThrottleKeys): Promise<void> {
  const refusal = await risk?.checkClient(keys.client, keys.ip as string);
  if (refusal?.reason === 'denied') throw new OAuthError('invalid_request', 403, 'requests from this address are refused', `deny-listed address in ${coarseIp(keys.ip as string) ?? 'an unknown network'}`);
  if (refusal) throw new OAuthError('invalid_client', 401, 'the client is temporarily locked out', `risk lockout of ${keys.client}`, { 'Retry-After': String(refusal.retryAfter) });
}

function answerOf(ctx: Context): Answer {
  const body = typeof ctx.body === 'object' && ctx.body !== null ? ctx.body as Record<string, unknown> : {};
  return { status: ctx.status, error: body.error };
}

async function recordOutcome(ctx: Context, deps: GateDeps, kind: ThrottleKind, keys: ThrottleKeys, recorded: boolean | undefined, answer: Answer): Promise<void> {
  // a secret guessed wrong counts towards a lockout; a refused grant or token only towards the failure budget
  if (answer.error === 'invalid_client' || (answer.status === 401 && answer.error === undefined)) return deps.throttle.fail(kind, keys);
  if (answer.error === 'invalid_grant' || answer.error === 'invalid_token') return deps.throttle.fail(kind, keys, { lockout: false });
  if (answer.status >= 400) return;
  if (kind === 'introspect' && !answeredActive(ctx)) await fished(ctx, deps, keys);
  if (recorded !== false) await deps.throttle.succeed(kind, keys);
}

/** An inactive token presented: a failed guess for the budget, and a risk signal unless risk itself refused it. */
async function fished(ctx: Context, deps: GateDeps, keys: ThrottleKeys): Promise<void> {
  const state = ctx.state as TokenRequestState;
  await deps.throttle.fail('introspect', keys, { lockout: false });
  if (state.riskRefused || !deps.risk) return;
  await deps.risk.introspected({ claims: {}, caller: keys.client, callerIp: keys.ip, presenterIp: state.presenterIp, active: false });
}
