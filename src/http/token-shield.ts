/**
 * Reads the body of POST /introspect and /revoke before oidc-provider does (through
 * form-body.ts, shared with the throttle gate), and prefixes a JWT-shaped `token` with
 * SHIELD so oidc-provider's structured-token guard lets it through to the bridged
 * `find` (see oidc-bridge.ts). oidc-provider then parses the already-read body (its
 * documented fallback for upstream parsers). The shielded form stays on the context
 * for the introspection fast path (formOf).
 */
import { stringify, type ParsedUrlQuery } from 'node:querystring';
import type { Context, Next } from 'koa';
import { readForm } from './form-body.js';
import { SHIELD } from './oidc-bridge.js';

const FORM = Symbol('portcullis.shielded-form');

/** Middleware for the introspection and revocation routes. */
export function tokenShield(paths: string[]) {
  const routes = new Set(paths);
  return async function shieldToken(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'POST' || !routes.has(ctx.path)) return next();
    const params = await readForm(ctx);
    if (!params) return next();
    const shielded: ParsedUrlQuery = { ...params };
    if (typeof shielded.token === 'string' && shielded.token.includes('.')) shielded.token = SHIELD + shielded.token;
    // Serialised only if oidc-provider asks for it: the fast path answers without it.
    let body: string | undefined;
    Object.defineProperty(ctx.req, 'body', { configurable: true, enumerable: true, get: () => (body ??= stringify(shielded)) });
    (ctx.state as Record<symbol, ParsedUrlQuery>)[FORM] = shielded;
    return next();
  };
}

/** The form the shield parsed (token already shielded), if it ran for this request. */
export function formOf(ctx: Context): ParsedUrlQuery | undefined {
  return (ctx.state as Record<symbol, ParsedUrlQuery | undefined>)[FORM];
}
