/**
 * Forward authentication for API gateways (nginx `auth_request`, Traefik ForwardAuth,
 * Envoy `ext_authz`), which cannot run the SDK: the gateway asks about each request it
 * receives, forwarding its `Authorization` (and `DPoP`) headers, method and URL
 * (original-request.ts), and authenticating itself in `Gateway-Authorization` (HTTP Basic,
 * RFC 7617, as the registered introspector of the resource servers it guards).
 *   - 200: the token is active, bound as it must be, for a resource server this gateway
 *     guards, with the scopes asked for (`?scope=`); the answer names the subject, the
 *     client, the scopes and the permissions in `Portcullis-*` headers for the upstream;
 *   - 401 `invalid_token` / 403 `insufficient_scope` with the RFC 6750 §3 (RFC 9449 §7.1)
 *     challenge for the gateway to hand on; 401 `invalid_client` for the gateway itself.
 * Answers are `no-store`: the token's state (revocation included) is checked on every
 * call, from the same remembered open and exact revocation mirror as introspection.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { invalidToken, presentedToken, type PresentedClaims, type PresentedTokenDeps } from '../bearer/index.js';
import { InvalidClient, OAuthError } from '../errors/index.js';
import { verifyClientSecret, type ResourceServerRecord } from '../registry/index.js';
import { parseBasic } from './basic-credentials.js';
import { originalRequest } from './original-request.js';

export interface GatewayCheckDeps {
  bearer: PresentedTokenDeps;
  clientPepper: Uint8Array;
  client(id: string): Promise<Record<string, unknown> | undefined>;
  resource(audience: string): Promise<ResourceServerRecord | undefined>;
}

/** The header a gateway authenticates itself in (Authorization carries the token it asks about). */
export const GATEWAY_AUTHORIZATION = 'gateway-authorization';

/** Koa middleware answering one gateway check. */
export function gatewayCheck(deps: GatewayCheckDeps): Middleware {
  const verified = new WeakMap<object, Buffer[]>();
  return async function checkForGateway(ctx: Context): Promise<void> {
    ctx.set('Cache-Control', 'no-store');
    const gateway = await authenticatedGateway(ctx, deps, verified);
    const original = originalRequest(ctx);
    const claims = await presentedToken({ authorization: ctx.get('authorization'), dpop: ctx.get('dpop') || undefined, ...original }, deps.bearer);
    if ((await deps.resource(claims.aud))?.introspector !== gateway) throw invalidToken(deps.bearer.realm, `audience ${claims.aud} is not guarded by ${gateway}`);
    requireScopes(ctx.query.scope, claims, deps.bearer.realm);
    ctx.set(answerHeaders(claims));
    ctx.status = 200;
  };
}

/** The gateway's own credentials (RFC 6749 §2.3.1 form-encoding inside Basic); a header that passed is remembered per client record. */
async function authenticatedGateway(ctx: Context, deps: GatewayCheckDeps, verified: WeakMap<object, Buffer[]>): Promise<string> {
  const header = ctx.get(GATEWAY_AUTHORIZATION);
  const basic = parseBasic(header);
  if (!basic?.id || basic.secret === undefined) throw gatewayRefused('no gateway credentials');
  const client = await deps.client(basic.id);
  const presented = Buffer.from(header);
  const known = client ? verified.get(client) ?? [] : [];
  if (known.some((h) => h.length === presented.length && timingSafeEqual(h, presented))) return basic.id;
  const ok = verifyClientSecret(deps.clientPepper, client?.client_secret ?? 'pcs1$unknown', basic.secret); // compared for unknown ids too
  if (!client || !ok) throw gatewayRefused('bad gateway credentials');
  if (known.length < 4) verified.set(client, [...known, presented]);
  return basic.id;
}

function gatewayRefused(detail: string): OAuthError {
  const err = new InvalidClient(detail);
  return Object.assign(err, { headers: { 'WWW-Authenticate': 'Basic realm="portcullis-gateway"' } });
}

/** RFC 6750 §3.1 insufficient_scope when a scope the gateway asks for is not in the token. */
function requireScopes(asked: unknown, claims: PresentedClaims, realm: string): void {
  const wanted = (typeof asked === 'string' ? asked : Array.isArray(asked) ? asked.join(' ') : '').split(' ').filter(Boolean);
  const granted = new Set(String(claims.scope ?? '').split(' '));
  const missing = wanted.filter((s) => !granted.has(s));
  if (!missing.length) return;
  const challenge = `Bearer realm="${realm}", error="insufficient_scope", scope="${wanted.join(' ')}"`;
  throw new OAuthError('insufficient_scope', 403, 'the access token lacks a scope this resource needs', `missing ${missing.join(' ')}`, { 'WWW-Authenticate': challenge });
}

/** What the upstream learns about the caller (header values are visible ASCII, RFC 9110 §5.5). */
function answerHeaders(claims: PresentedClaims): Record<string, string> {
  const headers: Record<string, string> = {
    'Portcullis-Subject': String(claims.sub),
    'Portcullis-Client': String(claims.client_id),
    'Portcullis-Audience': claims.aud,
    'Portcullis-Scope': String(claims.scope ?? ''),
    'Portcullis-Permissions': (claims.permissions ?? []).join(' '),
  };
  for (const [name, value] of Object.entries(headers)) if (!/^[\x20-\x7E]*$/.test(value)) headers[name] = encodeURIComponent(value);
  return headers;
}
