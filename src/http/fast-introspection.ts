/**
 * Introspection of a seen token without oidc-provider's generic path, for the question
 * resource servers ask on every API request: a client authenticating with
 * client_secret_basic asks about a client_credentials token, sending nothing but
 * `token` (and an `access_token` hint). The answer is the RFC 7662 §2.2 body
 * oidc-provider would give (test/integration/http/fast-introspection.test.ts compares
 * the two); every other request goes on to oidc-provider untouched: other client
 * authentication methods or parameters, JWT answers (RFC 9701), failed client
 * authentication, user tokens (which need a grant lookup), authorization details.
 * Revocation state is checked every time (TokenService.open).
 */
import { timingSafeEqual } from 'node:crypto';
import type { ParsedUrlQuery } from 'node:querystring';
import type { Context, Middleware, Next } from 'koa';
import type { TokenService } from '../access-tokens/index.js';
import type { TokenRequestState } from '../oidc/index.js';
import { verifyClientSecret, type ResourceServerRecord } from '../registry/index.js';
import type { OpenedToken } from '../tokens/index.js';
import { basicCredentials } from './basic-credentials.js';
import type { Metrics } from './metrics.js';

export interface FastIntrospectionDeps {
  issuer: string;
  tokens: TokenService;
  clientPepper: Uint8Array;
  metrics: Metrics;
  /** registered clients and resource servers (cached lookups) */
  client(id: string): Promise<Record<string, unknown> | undefined>;
  resource(audience: string): Promise<ResourceServerRecord | undefined>;
}

// The parameters of a plain request. `fingerprint` was validated already; client
// credentials tokens are never bound to a device.
const PLAIN = new Set(['token', 'token_type_hint', 'fingerprint']);
// Claims the answer lists under their own names, or that are Portcullis bookkeeping.
const NAMED = new Set(['iss', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope', 'cnf', 'gid', 'sid', 'kind', 'fpp']);

/** Koa middleware for POST /introspect, after the gate and the parameter checks. */
export function fastIntrospection(deps: FastIntrospectionDeps): Middleware {
  const verified: Verified = new WeakMap();
  // the answer for an opened token, serialized once: the open cache hands back the same
  // object for as long as it holds the token
  const answers = new WeakMap<OpenedToken, string>();
  const answerFor = (opened: OpenedToken): string => {
    let text = answers.get(opened);
    if (text === undefined) answers.set(opened, (text = JSON.stringify(responseFor(opened, deps.issuer))));
    return text;
  };
  const counted = { active: deps.metrics.introspections.labels('active', 'fast'), inactive: deps.metrics.introspections.labels('inactive', 'fast') };
  return async function answerSeenToken(ctx: Context, next: Next): Promise<void> {
    const answer = await plainAnswer(ctx, deps, verified);
    if (answer === undefined) return next();
    const inactive = typeof answer === 'string';
    (ctx.state as TokenRequestState).allowedActive = !inactive;
    counted[inactive ? 'inactive' : 'active'].inc();
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/json';
    ctx.body = inactive ? answer : answerFor(answer);
  };
}

const INACTIVE = JSON.stringify({ active: false });

/** The opened token to describe, INACTIVE, or undefined when oidc-provider is to answer. */
async function plainAnswer(ctx: Context, deps: FastIntrospectionDeps, verified: Verified): Promise<OpenedToken | typeof INACTIVE | undefined> {
  const token = plainRequest(ctx, (ctx.state as TokenRequestState).form);
  if (token === undefined) return undefined;
  const caller = await authenticatedCaller(ctx, deps, verified);
  if (!caller) return undefined;
  const opened = await deps.tokens.open(token);
  if (!opened) return INACTIVE;
  const claims = opened.claims as Record<string, unknown>;
  if (claims.kind !== undefined || claims.authorization_details !== undefined) return undefined;
  return (await allowed(deps, caller, claims)) ? opened : INACTIVE;
}

/** The (JWT-shaped) token when the request is nothing but `token` (+ an access_token hint) over Basic auth. */
function plainRequest(ctx: Context, form: ParsedUrlQuery | undefined): string | undefined {
  if (!form || ctx.get('dpop') || ctx.get('oauth-client-attestation') || ctx.get('oauth-client-attestation-pop')) return undefined;
  if (/jwt/i.test(ctx.get('accept'))) return undefined;
  if (Object.keys(form).some((name) => !PLAIN.has(name))) return undefined;
  const { token, token_type_hint: hint } = form;
  if (hint !== undefined && hint !== 'access_token') return undefined;
  return typeof token === 'string' && token.includes('.') ? token : undefined;
}

// Authorization headers that passed for a client record. The record is reloaded at least
// every second (a fresh object), which drops what was remembered for it.
type Verified = WeakMap<object, Buffer[]>;

/** RFC 6749 §2.3.1 Basic credentials of a client registered for client_secret_basic, verified. */
async function authenticatedCaller(ctx: Context, deps: FastIntrospectionDeps, verified: Verified): Promise<string | undefined> {
  const basic = basicCredentials(ctx);
  // the header as oidc-provider accepts it, and both parts decodable (else it answers, not us)
  if (!basic?.canonical || basic.id === undefined || basic.secret === undefined) return undefined;
  const client = await deps.client(basic.id);
  if (!client || client.token_endpoint_auth_method !== 'client_secret_basic' || client.introspection_encrypted_response_alg) return undefined;
  const presented = Buffer.from(ctx.get('authorization'));
  const known = verified.get(client) ?? [];
  if (known.some((header) => header.length === presented.length && timingSafeEqual(header, presented))) return basic.id;
  if (!verifyClientSecret(deps.clientPepper, client.client_secret, basic.secret)) return undefined;
  if (known.length < 4) verified.set(client, [...known, presented]);
  return basic.id;
}

/** The same rule as the provider's allowedPolicy: own token, or the audience's introspector. */
async function allowed(deps: FastIntrospectionDeps, caller: string, claims: Record<string, unknown>): Promise<boolean> {
  return claims.client_id === caller || (await deps.resource(claims.aud as string))?.introspector === caller;
}

/** The body oidc-provider renders for an active ClientCredentials token, in its key order. */
function responseFor({ claims }: OpenedToken, issuer: string): Record<string, unknown> {
  const body: Record<string, unknown> = { active: true };
  for (const [name, value] of Object.entries(claims)) if (!NAMED.has(name)) body[name] = value;
  Object.assign(body, { client_id: claims.client_id, exp: claims.exp, iat: claims.iat, iss: issuer, jti: claims.jti, aud: claims.aud });
  if (claims.scope) body.scope = claims.scope;
  const cnf = claims.cnf as Record<string, string> | undefined;
  if (cnf?.jkt || cnf?.['x5t#S256']) body.cnf = { ...(cnf['x5t#S256'] ? { 'x5t#S256': cnf['x5t#S256'] } : {}), ...(cnf.jkt ? { jkt: cnf.jkt } : {}) };
  body.token_type = cnf?.jkt ? 'DPoP' : 'Bearer';
  return body;
}
