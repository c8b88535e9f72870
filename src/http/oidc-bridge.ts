/**
 * The one bridge between oidc-provider and Portcullis's token format.
 *
 * oidc-provider owns the protocol (client authentication, grants, scopes, resource
 * indicators, introspection and revocation responses). Its own access token formats
 * are opaque (stored) or JWT (sign-then-encrypt). Portcullis needs encrypt-then-sign
 * nested tokens that are never stored, so this module replaces, on the provider's
 * AccessToken and ClientCredentials models only:
 *   - prototype.getValueAndPayload: builds the RFC 9068 claims from the opaque
 *     format's payload, seals them, and returns no payload, so nothing is stored;
 *   - static find: opens a nested token (verify, decrypt, validate, revocation state)
 *     and rebuilds the model, so introspection and revocation work on it;
 *   - prototype.destroy: records a revocation instead of deleting a row;
 * and Client.prototype.compareClientSecret, because secrets are stored hashed (with
 * Client.find, remembered per client record: rememberClients).
 * Because access tokens are not stored, removing a grant (AccessToken.revokeByGrantId:
 * refresh token reuse, code replay, logout) or destroying a session (logout) is
 * recorded as a grant or session revocation that `open` checks.
 *
 * oidc-provider refuses JWT-shaped tokens at /introspect and /revoke
 * (reject_structured_tokens). The shield below prefixes a dot-containing `token`
 * parameter with SHIELD before oidc-provider parses the body; `find` strips it.
 */
import { timingSafeEqual } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { TokenService } from '../access-tokens/index.js';
import type { AccessTokenClaims, OpenedToken } from '../tokens/index.js';
import { verifyClientSecret } from '../registry/index.js';

export const SHIELD = '~';

export interface BridgeHooks {
  issued(kind: string): void;
  opened(result: 'active' | 'inactive'): void;
  /** a token was revoked at /revoke (issue 8: emits token.revoked to event receivers) */
  revoked(token: RevokedToken): void | Promise<void>;
}

/** What the revoked hook learns about the token. */
export interface RevokedToken { jti: string; exp: number; aud?: string; sub?: string; sid?: string }

type Model = { prototype: Record<string, unknown> } & Record<string, unknown>;
type Payload = Record<string, unknown> & { jti: string; iat: number; exp: number; clientId: string };

// Claims Portcullis puts in tokens for its own bookkeeping, not echoed as extras.
// `fpp` (the fingerprint profile id, issue 6) stays with the model instance instead.
const PRIVATE = new Set(['gid', 'sid', 'kind', 'fpp']);
const profiles = new WeakMap<object, string>();

/** The fingerprint profile a token found by the bridge is bound to (issue 6), if any. */
export function fingerprintProfileOf(token: object): string | undefined {
  return profiles.get(token);
}

/** Installs the bridge on a freshly constructed provider. */
export function bridgeProvider(provider: Provider, tokens: TokenService, clientPepper: Uint8Array, hooks: BridgeHooks): void {
  const p = provider as unknown as Record<string, Model>;
  // introspection and revocation look a token up as AccessToken and ClientCredentials
  // at once: share one open (and one revocation read) between the two lookups.
  const inflight = new Map<string, Promise<OpenedToken | undefined>>();
  function open(value: unknown): Promise<OpenedToken | undefined> {
    if (typeof value !== 'string') return Promise.resolve(undefined);
    let pending = inflight.get(value);
    if (!pending) {
      pending = openShielded(tokens, value).then((opened) => {
        hooks.opened(opened ? 'active' : 'inactive');
        return opened;
      }).finally(() => inflight.delete(value));
      inflight.set(value, pending);
    }
    return pending;
  }
  for (const kind of ['AccessToken', 'ClientCredentials'] as const) {
    const M = p[kind];
    const base = M.prototype.getValueAndPayload as (this: unknown) => Promise<{ payload: Payload }>;
    M.prototype.getValueAndPayload = async function (this: Record<string, unknown>) {
      const { payload } = await base.call(this);
      const value = await tokens.issue(toClaims(provider.issuer, kind, payload));
      hooks.issued(kind);
      return { value };
    };
    M.find = async (value: unknown) => {
      const opened = await open(value);
      if (!opened || (opened.claims.kind ?? 'ClientCredentials') !== kind) return undefined;
      const model = new (M as unknown as new (p: object) => object)(fromClaims(opened));
      const fpp = (opened.claims as Record<string, unknown>).fpp;
      if (typeof fpp === 'string') profiles.set(model, fpp);
      return model;
    };
    M.prototype.destroy = async function (this: { jti: string; exp: number; aud?: string; accountId?: string; clientId?: string; sid?: string }) {
      await tokens.revoke(this.jti, this.exp);
      await hooks.revoked({ jti: this.jti, exp: this.exp, aud: this.aud, sub: this.accountId ?? this.clientId, sid: this.sid });
    };
  }
  revokeWithGrants(p, tokens);
  rememberClients(p, clientPepper);
}

type ClientModel = { find(id: unknown): Promise<object | undefined>; adapter: { find(id: string): Promise<object | undefined> } };

/**
 * Client lookups and secret checks on every token request, made cheap:
 *  - `Client.find` hashes the stored metadata (JSON + SHA-256) to find its built Client
 *    each time; the metadata object comes from a short-lived cache (provider.ts), so
 *    the built Client is remembered per metadata object instead. A changed client (on
 *    any process) arrives as a new object once that cache expires, and is built anew.
 *  - `compareClientSecret`: secrets are stored as a keyed hash (registry/client-secret.ts);
 *    after one successful HMAC check the presented secret is remembered next to that
 *    Client and later presentations are compared with it in constant time.
 */
function rememberClients(p: Record<string, Model>, clientPepper: Uint8Array): void {
  const Client = p.Client as unknown as ClientModel;
  const find = Client.find.bind(Client);
  const built = new WeakMap<object, object>();
  Client.find = async (id: unknown) => {
    const properties = typeof id === 'string' && id !== '' ? await Client.adapter.find(id) : undefined;
    if (!properties) return find(id);
    const known = built.get(properties);
    if (known) return known;
    const client = await find(id);
    if (client) built.set(properties, client);
    return client;
  };
  const verified = new WeakMap<object, Buffer>();
  p.Client.prototype.compareClientSecret = function (this: { clientSecret?: string }, actual: unknown) {
    const presented = typeof actual === 'string' ? Buffer.from(actual) : undefined;
    const known = verified.get(this);
    if (presented && known && known.length === presented.length && timingSafeEqual(known, presented)) return true;
    const ok = verifyClientSecret(clientPepper, this.clientSecret, actual);
    if (ok && presented) verified.set(this, presented);
    return ok;
  };
}

type Authorizations = Record<string, { grantId?: string; sid?: string }>;

function revokeWithGrants(p: Record<string, Model>, tokens: TokenService): void {
  const AccessToken = p.AccessToken as unknown as { revokeByGrantId(gid: string): Promise<void> };
  const base = AccessToken.revokeByGrantId.bind(AccessToken);
  AccessToken.revokeByGrantId = async (grantId: string) => {
    await tokens.revokeGrant(grantId);
    await base(grantId);
  };
  // RP-initiated logout (logout=yes) destroys the session: every token of every
  // grant in it stops, offline_access ones included, and their refresh tokens go too.
  const grantRows = (p.RefreshToken as unknown as { adapter: { revokeByGrantId(g: string): Promise<void> } }).adapter;
  const grants = (p.Grant as unknown as { adapter: { destroy(g: string): Promise<void> } }).adapter;
  const destroy = p.Session.prototype.destroy as (this: unknown) => Promise<void>;
  p.Session.prototype.destroy = async function (this: { authorizations?: Authorizations }) {
    for (const { grantId, sid } of Object.values(this.authorizations ?? {})) {
      if (sid) await tokens.revokeSession(sid, 'user');
      if (!grantId) continue;
      await tokens.revokeGrant(grantId);
      await Promise.all([grantRows.revokeByGrantId(grantId), grants.destroy(grantId)]);
    }
    return destroy.call(this);
  };
}

async function openShielded(tokens: TokenService, value: string): Promise<OpenedToken | undefined> {
  return tokens.open(value.startsWith(SHIELD) ? value.slice(SHIELD.length) : value);
}

/** RFC 9068 claims from oidc-provider's token payload. */
export function toClaims(issuer: string, kind: string, payload: Payload): AccessTokenClaims {
  const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
  if (typeof aud !== 'string') throw new TypeError('access token has no audience');
  // a loop, not `{ ...extra }`: that spread cost about 20 µs per token in the issuer (profile), under 1 µs alone
  const claims: Record<string, unknown> = {};
  const extra = payload.extra as Record<string, unknown> | undefined;
  if (extra) for (const name of Object.keys(extra)) claims[name] = extra[name];
  claims.iss = issuer;
  claims.sub = (payload.accountId as string | undefined) ?? payload.clientId;
  claims.aud = aud;
  claims.exp = payload.exp;
  claims.iat = payload.iat;
  claims.jti = payload.jti;
  claims.client_id = payload.clientId;
  if (payload.scope) claims.scope = payload.scope;
  if (payload.jkt || payload['x5t#S256']) {
    const cnf: Record<string, string> = {};
    if (payload.jkt) cnf.jkt = payload.jkt as string;
    if (payload['x5t#S256']) cnf['x5t#S256'] = payload['x5t#S256'] as string;
    claims.cnf = cnf;
  }
  if (Array.isArray(payload.rar) && payload.rar.length) claims.authorization_details = payload.rar; // RFC 9396 §9
  if (kind === 'AccessToken') Object.assign(claims, { kind, gid: payload.grantId, sid: payload.sid });
  return claims as unknown as AccessTokenClaims;
}

/** oidc-provider model properties from opened claims. */
function fromClaims({ claims }: OpenedToken): Record<string, unknown> {
  const c = claims as AccessTokenClaims & Record<string, unknown>;
  const cnf = (c.cnf ?? {}) as Record<string, string>;
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    if (!PRIVATE.has(k) && !['iss', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope', 'cnf', 'authorization_details'].includes(k)) extra[k] = v;
  }
  return {
    jti: c.jti, iat: c.iat, exp: c.exp, clientId: c.client_id, aud: c.aud, scope: c.scope, extra,
    jkt: cnf.jkt, 'x5t#S256': cnf['x5t#S256'],
    ...(Array.isArray(c.authorization_details) ? { rar: c.authorization_details } : {}),
    ...(c.kind === 'AccessToken' ? { accountId: c.sub, grantId: c.gid, sid: c.sid } : {}),
  };
}
