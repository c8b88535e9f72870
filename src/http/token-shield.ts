/**
 * Reads the body of POST /introspect and /revoke before oidc-provider does, and
 * prefixes a JWT-shaped `token` with SHIELD so oidc-provider's structured-token guard
 * lets it through to the bridged `find` (see oidc-bridge.ts). oidc-provider then
 * parses the already-read body (its documented fallback for upstream parsers).
 */
import { stringify } from 'node:querystring';
import type { Context, Next } from 'koa';
import { readForm } from './form-body.js';
import { SHIELD } from './oidc-bridge.js';

/** Middleware for the introspection and revocation routes. */
export function tokenShield(paths: string[]) {
  const routes = new Set(paths);
  return async function shieldToken(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'POST' || !routes.has(ctx.path)) return next();
    const params = await readForm(ctx);
    if (!params) return next();
    const shielded = { ...params };
    if (typeof shielded.token === 'string' && shielded.token.includes('.')) shielded.token = SHIELD + shielded.token;
    (ctx.req as unknown as { body: string }).body = stringify(shielded);
    return next();
  };
}
