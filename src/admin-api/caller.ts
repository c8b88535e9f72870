/**
 * Who calls the admin API: the presented access token is opened and held to its binding
 * exactly as at /me/data and /gateway/check (src/bearer: DPoP proof for this request,
 * client certificate, device fingerprint), then it must be
 *  - addressed to the admin audience `<ISSUER>/admin`;
 *  - a client's own token (client_credentials: the subject is the client), so the audit
 *    trail names the admin client that made a change;
 *  - sender-constrained (a DPoP key or a certificate in `cnf`, RFC 9449 §6, RFC 8705 §3)
 *    unless the operator allowed plain bearer tokens for that client (ADMIN_BEARER_CLIENTS);
 *  - granted the operation's scope, else 403 insufficient_scope (RFC 6750 §3.1).
 * Every refusal carries its RFC 6750 / RFC 9449 challenge.
 */
import type { X509Certificate } from 'node:crypto';
import type { Context } from 'koa';
import type { AdminScope } from '../admin/index.js';
import { invalidToken, presentedToken, type PresentedTokenDeps } from '../bearer/index.js';
import { DPOP_ALGORITHMS } from '../binding/index.js';
import { OAuthError } from '../errors/index.js';

export interface CallerDeps {
  issuer: string;
  bearer: PresentedTokenDeps;
  /** the client certificate of the request's TLS connection (or trusted proxy header) */
  certificate(ctx: Context): X509Certificate | undefined;
  /** ADMIN_BEARER_CLIENTS */
  bearerClients: readonly string[];
}

/** The admin client behind the request, once its token may do `scope`; throws the challenge otherwise. */
export async function adminCaller(ctx: Context, deps: CallerDeps, scope: AdminScope): Promise<string> {
  const claims = await presentedToken({
    authorization: ctx.get('authorization'), dpop: ctx.get('dpop') || undefined, method: ctx.method, url: `${deps.issuer}${ctx.path}`, certificate: deps.certificate(ctx),
  }, deps.bearer);
  const scheme = claims.cnf?.jkt ? 'DPoP' : 'Bearer';
  const clientId = String(claims.client_id ?? '');
  if (claims.aud !== `${deps.issuer}/admin`) throw invalidToken(deps.issuer, `audience ${String(claims.aud)} is not the admin API`, scheme, 'the access token is not for the admin API');
  if (!clientId || claims.sub !== clientId) throw invalidToken(deps.issuer, 'not a client token', scheme, 'the admin API takes client_credentials tokens');
  if (!claims.cnf?.jkt && !claims.cnf?.['x5t#S256'] && !deps.bearerClients.includes(clientId)) {
    // RFC 9449 §7.1: ask for a DPoP-bound token
    throw invalidToken(deps.issuer, `unbound token of ${clientId}`, 'DPoP', 'the admin API takes sender-constrained tokens (DPoP or mTLS)');
  }
  if (!String(claims.scope ?? '').split(' ').includes(scope)) throw insufficientScope(deps.issuer, scheme, scope);
  return clientId;
}

/** RFC 6750 §3.1: 403, naming the scope the operation needs. */
function insufficientScope(realm: string, scheme: 'DPoP' | 'Bearer', scope: AdminScope): OAuthError {
  const description = `this operation needs the scope ${scope}`;
  const params = [`realm="${realm}"`, 'error="insufficient_scope"', `error_description="${description}"`, `scope="${scope}"`];
  if (scheme === 'DPoP') params.push(`algs="${DPOP_ALGORITHMS.join(' ')}"`);
  return new OAuthError('insufficient_scope', 403, description, description, { 'WWW-Authenticate': `${scheme} ${params.join(', ')}` });
}
