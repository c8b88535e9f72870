/**
 * Reads the body of POST /introspect and /revoke before oidc-provider does (through
 * form-body.ts, shared with the throttle gate), and prefixes a JWT-shaped `token` with
 * SHIELD so oidc-provider's structured-token guard lets it through to the bridged
 * `find` (see oidc-bridge.ts). oidc-provider then parses the already-read body (its
 * documented fallback for upstream parsers). The parsed form (token not shielded) stays
 * cached on the context (form-body.ts) for the fingerprint check and the fast path,
 * which run before the shield.
 */
import { stringify } from 'node:querystring';
import type { Exchange, Next } from './exchange.js';
import { readForm } from './form-body.js';
import { SHIELD } from './oidc-bridge.js';

// the first `token=` parameter (a single one: duplicates are refused by oidc-provider)
const TOKEN_PARAM = /(^|&)(token=)/;

/** Middleware for the introspection and revocation routes. */
export function tokenShield(paths: string[]) {
  const routes = new Set(paths);
  return async function shieldToken(ctx: Exchange, next: Next): Promise<void> {
    if (ctx.method !== 'POST' || !routes.has(ctx.path)) return next();
    const params = await readForm(ctx);
    if (params && typeof params.token === 'string' && params.token.includes('.')) {
      // readForm left the raw body on req.body: prefix the one `token` value in place.
      const req = ctx.req as unknown as { body: string };
      req.body = TOKEN_PARAM.test(req.body)
        ? req.body.replace(TOKEN_PARAM, `$1$2${encodeURIComponent(SHIELD)}`)
        : stringify({ ...params, token: SHIELD + params.token }); // the name was percent-encoded
    }
    return next();
  };
}
