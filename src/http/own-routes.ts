/** Portcullis's own GET routes: liveness, readiness, metrics and the JWKS. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type { KeyStore } from '../keys/index.js';
import type { DatabaseHealth } from '../storage/index.js';
import type { Metrics } from './metrics.js';

/** GET /healthz: the process answers. */
export async function health(ctx: Context): Promise<void> {
  ctx.body = { status: 'ok' };
}

/** GET /readyz: the database answers too (within DATABASE_QUERY_TIMEOUT). */
export function readiness(health: Pick<DatabaseHealth, 'ready'>): Middleware {
  return async function ready(ctx: Context): Promise<void> {
    ctx.set('Cache-Control', 'no-store');
    if (await health.ready()) {
      ctx.body = { status: 'ready' };
      return;
    }
    ctx.status = 503;
    ctx.set('Retry-After', '5');
    ctx.body = { status: 'unavailable' };
  };
}

/** GET /metrics; with a token set, only for `Authorization: Bearer <token>`. */
export function metricsRoute(metrics: Metrics, token: string | undefined): Middleware {
  const allowed = token === undefined ? () => true : bearerCheck(token);
  return async function scrape(ctx: Context): Promise<void> {
    if (!allowed(ctx.get('authorization'))) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
      ctx.body = { error: 'invalid_token' };
      return;
    }
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
}

/** GET /jwks: every published signing key (next, current, previous), from the key store. */
export function jwksRoute(keys: Pick<KeyStore, 'jwks'>): Middleware {
  return async function publishKeys(ctx: Context): Promise<void> {
    ctx.type = 'application/jwk-set+json';
    ctx.set('Cache-Control', 'public, max-age=60');
    ctx.body = keys.jwks();
  };
}

/** Compares an Authorization header with `Bearer <token>` in constant time (digests of equal length). */
function bearerCheck(token: string): (header: string) => boolean {
  const expected = createHash('sha256').update(`Bearer ${token}`).digest();
  return (header) => timingSafeEqual(createHash('sha256').update(header).digest(), expected);
}
