/**
 * The mapping between oidc-provider's access token models and Portcullis token claims
 * (RFC 9068 §2.2): what a minted model becomes when sealed, and the model payload an
 * opened token stands for when oidc-provider looks it up again.
 */
import type { AccessTokenClaims, OpenedToken } from '../tokens/index.js';

/** oidc-provider's payload of an access token model (its opaque format's payload). */
export type ModelPayload = Record<string, unknown> & { jti: string; iat: number; exp: number; clientId: string };

// Named claims, and Portcullis's own bookkeeping: never echoed as extra claims.
// `fpp` (the fingerprint profile a token is bound to) is read from the opened token.
const NOT_EXTRA = new Set(['iss', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope', 'cnf', 'authorization_details', 'gid', 'sid', 'kind', 'fpp']);

/** RFC 9068 claims from oidc-provider's token payload; an extra claim never replaces one the issuer decides. */
export function toClaims(issuer: string, kind: string, payload: ModelPayload): AccessTokenClaims {
  const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
  if (typeof aud !== 'string') throw new TypeError('access token has no audience');
  // extra claims first, copied one by one: oidc-provider's extra object is not a plain literal, and spreading it is slow
  const claims: Record<string, unknown> = {};
  const extra = payload.extra as Record<string, unknown> | undefined;
  if (extra) for (const name of Object.keys(extra)) claims[name] = extra[name];
  Object.assign(claims, { iss: issuer, sub: (payload.accountId as string | undefined) ?? payload.clientId, aud, exp: payload.exp, iat: payload.iat, jti: payload.jti, client_id: payload.clientId });
  if (payload.scope) claims.scope = payload.scope;
  const cnf = confirmation(payload);
  if (cnf) claims.cnf = cnf;
  if (Array.isArray(payload.rar) && payload.rar.length) claims.authorization_details = payload.rar; // RFC 9396 §9
  if (kind === 'AccessToken') Object.assign(claims, { kind, gid: payload.grantId, sid: payload.sid });
  return claims as unknown as AccessTokenClaims;
}

/** RFC 9449 §6 / RFC 8705 §3: the key or certificate the token is bound to. */
function confirmation(payload: Record<string, unknown>): Record<string, string> | undefined {
  const jkt = payload.jkt as string | undefined;
  const x5t = payload['x5t#S256'] as string | undefined;
  if (!jkt && !x5t) return undefined;
  return { ...(jkt ? { jkt } : {}), ...(x5t ? { 'x5t#S256': x5t } : {}) };
}

/** The model payload of an opened token: what oidc-provider would have stored for it. */
export function payloadOf({ claims }: OpenedToken): ModelPayload {
  const c = claims as AccessTokenClaims & Record<string, unknown>;
  const cnf = (c.cnf ?? {}) as Record<string, string>;
  const extra = Object.fromEntries(Object.entries(c).filter(([name]) => !NOT_EXTRA.has(name)));
  return {
    kind: c.kind ?? 'ClientCredentials', jti: c.jti, iat: c.iat, exp: c.exp, clientId: String(c.client_id), aud: c.aud, scope: c.scope, extra,
    ...(cnf.jkt ? { jkt: cnf.jkt } : {}), ...(cnf['x5t#S256'] ? { 'x5t#S256': cnf['x5t#S256'] } : {}),
    ...(Array.isArray(c.authorization_details) ? { rar: c.authorization_details } : {}),
    ...(c.kind === 'AccessToken' ? { accountId: c.sub, grantId: c.gid, sid: c.sid } : {}),
  };
}
