/**
 * What POST /introspect checks in front of both of its answers (the fast path and
 * oidc-provider), and what it counts after them.
 */
import { isIP } from 'node:net';
import type { Context, Middleware, Next } from 'koa';
import { InvalidRequest } from '../errors/index.js';
import { parseFingerprint } from '../fingerprint/index.js';
import type { TokenRequestState } from '../oidc/index.js';
import { shieldedToken } from './form.js';
import type { Metrics } from './metrics.js';

/**
 * Parameters beyond RFC 7662's, refused when malformed before any token work:
 * `presenter_ip`, the address the resource server saw the token come from (risk
 * signals), and `fingerprint`, the presenter's device (docs/fingerprint.md).
 */
export async function checkIntrospectionParameters(ctx: Context, next: Next): Promise<void> {
  const state = ctx.state as TokenRequestState;
  const { presenter_ip: presenter, fingerprint } = state.form ?? {};
  if (presenter !== undefined && (typeof presenter !== 'string' || isIP(presenter) === 0)) throw new InvalidRequest('presenter_ip must be one IPv4 or IPv6 address');
  if (Array.isArray(fingerprint)) throw new InvalidRequest('the fingerprint parameter is malformed', 'repeated');
  if (typeof fingerprint === 'string' && fingerprint !== '') parseFingerprint(fingerprint);
  state.presenterIp = presenter;
  return next();
}

/** The token goes on to oidc-provider shielded (form.ts); its answer is counted. */
export function handOnIntrospection(metrics: Metrics): Middleware {
  return async function countProviderAnswer(ctx: Context, next: Next): Promise<void> {
    shieldedToken(ctx);
    await next();
    if (ctx.status === 200) metrics.introspections.inc({ result: answeredActive(ctx) ? 'active' : 'inactive', path: 'provider' });
  };
}

/**
 * Whether an introspection answer says active. An answer that is not a JSON object here
 * (a JWT answer, RFC 9701, or the fast path's serialized one) says so only inside: the
 * verdict of whoever allowed the token tells.
 */
export function answeredActive(ctx: Context): boolean {
  const state = ctx.state as TokenRequestState;
  const body = ctx.body as { active?: unknown } | string | undefined;
  if (state.riskRefused) return false;
  return typeof body === 'object' && body !== null ? body.active === true : state.allowedActive === true;
}
