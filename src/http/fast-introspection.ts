/**
 * A read-only fast path for the most common introspection: a resource server
 * authenticating with client_secret_basic and asking about one of our nested access
 * tokens obtained with client_credentials. It answers only where oidc-provider's
 * introspection endpoint would give exactly the same response (test/integration/http/
 * fast-introspection.test.ts compares the two), and hands every other request to
 * oidc-provider untouched: other client authentication methods or parameters, JWT
 * responses (RFC 9701), failed client authentication, user tokens (which need a grant
 * lookup), authorization details. Introspection answers are RFC 7662 §2.2 bodies.
 *
 * Why: introspection is the call resource servers make per request. oidc-provider's
 * generic path (parameter assembly, client schema, model instances) costs several
 * times what a seen, cached token needs; revocation state is still checked every time.
 */
import { timingSafeEqual } from 'node:crypto';
import type { ParsedUrlQuery } from 'node:querystring';
import type { Exchange, Next } from './exchange.js';
import { then } from './chain.js';
import type { TokenService } from '../access-tokens/index.js';
import type { OpenedToken } from '../tokens/index.js';
import { verifyClientSecret, type ResourceServerRecord } from '../registry/index.js';
import type { RequestStates } from './request-state.js';
import { readForm } from './form-body.js';
import { basicCredentials } from './basic-credentials.js';
import { preserialized } from './json-body.js';

export interface FastIntrospectionDeps {
  issuer: string;
  tokens: TokenService;
  clientPepper: Uint8Array;
  /** registry lookups: a remembered record comes back without a promise (ttl-cache.ts) */
  client(id: string): Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>;
  resource(audience: string): ResourceServerRecord | undefined | Promise<ResourceServerRecord | undefined>;
  requests: RequestStates;
}

type Answer = Record<string, unknown> | undefined;
const INACTIVE = Object.freeze({ active: false });
// The parameters of a plain request (the form has no prototype: `in` sees only them).
const PLAIN = new Set(['token', 'token_type_hint', 'fingerprint']);
// Claims the response lists under their own names, or that are Portcullis bookkeeping.
const NAMED = new Set(['iss', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope', 'cnf', 'gid', 'sid', 'kind', 'fpp']);

/** Middleware, placed before the token shield: it reads the form as sent (form-body.ts caches it per request). */
export function fastIntrospection(deps: FastIntrospectionDeps) {
  // Authorization headers already verified against one client record (the record
  // object is replaced on every registry reload, which drops its entries).
  const verified = new WeakMap<object, Buffer[]>();
  // the answer for an opened token (the open cache hands back the same object while it
  // holds the token), built and serialized once (json-body.ts)
  const answers = new WeakMap<OpenedToken, Answer>();
  const answerFor = (opened: OpenedToken): Answer => {
    let answer = answers.get(opened);
    if (!answer) answers.set(opened, (answer = preserialized(responseFor(opened.claims as Record<string, unknown>, deps.issuer))));
    return answer;
  };
  // synchronous for a seen token with every lookup remembered (chain.ts `steps`)
  return function introspectFast(ctx: Exchange, next: Next): void | Promise<void> {
    if (ctx.method !== 'POST' || ctx.path !== '/introspect') return next();
    return then(tryAnswer(ctx, deps, verified, answerFor), (answer) => {
      if (!answer) return next();
      const state = deps.requests.of(ctx.req);
      if (state) Object.assign(state, { tokenResult: answer.active ? 'active' : 'inactive', fast: true });
      ctx.set('Cache-Control', 'no-store');
      ctx.body = answer;
    });
  };
}

type Verified = WeakMap<object, Buffer[]>;
type Later<T> = T | Promise<T>;

function tryAnswer(ctx: Exchange, deps: FastIntrospectionDeps, verified: Verified, answerFor: (opened: OpenedToken) => Answer): Later<Answer> {
  return then(readForm(ctx), (form) => { // read by the gates already: no promise
    const token = plainRequest(ctx, form);
    if (token === undefined) return undefined;
    return then(authenticatedCaller(ctx, deps, verified), (caller) => {
      if (!caller) return undefined;
      return then(deps.tokens.open(token), (opened) => {
        if (!opened) return INACTIVE;
        const claims = opened.claims as Record<string, unknown>;
        if (claims.kind !== undefined || claims.authorization_details !== undefined) return undefined;
        return then(allowed(deps, caller, claims), (ok) => (ok ? answerFor(opened) : INACTIVE));
      });
    });
  });
}

/** The (JWT-shaped) token when the request is nothing but `token` (+ an access_token hint) over Basic auth. */
function plainRequest(ctx: Exchange, form: ParsedUrlQuery | undefined): string | undefined {
  if (!form || ctx.get('dpop') || ctx.get('oauth-client-attestation') || ctx.get('oauth-client-attestation-pop')) return undefined;
  if (/jwt/i.test(ctx.get('accept'))) return undefined;
  // `fingerprint` (issue 6) was validated by the early check; client_credentials tokens are never fingerprint-bound
  for (const name in form) if (!PLAIN.has(name)) return undefined; // (a loop: rest destructuring of the form cost more)
  const { token, token_type_hint: hint } = form;
  if (hint !== undefined && hint !== 'access_token') return undefined;
  return typeof token === 'string' && token.includes('.') ? token : undefined;
}

/** RFC 6749 §2.3.1 Basic credentials of a client registered for client_secret_basic, verified. */
function authenticatedCaller(ctx: Exchange, deps: FastIntrospectionDeps, verified: Verified): Later<string | undefined> {
  const basic = basicCredentials(ctx);
  // the header as oidc-provider accepts it, and both parts decodable (else it answers, not us)
  if (!basic?.canonical || basic.id === undefined || basic.secret === undefined) return undefined;
  const { id, secret } = basic;
  return then(deps.client(id), (client) => {
    if (!client || client.token_endpoint_auth_method !== 'client_secret_basic' || client.introspection_encrypted_response_alg) return undefined;
    const presented = Buffer.from(ctx.get('authorization'));
    const known = verified.get(client) ?? [];
    if (seenBefore(known, presented)) return id;
    if (!verifyClientSecret(deps.clientPepper, client.client_secret, secret)) return undefined;
    if (known.length < 4) verified.set(client, [...known, presented]);
    return id;
  });
}

/** Compares with every remembered header in constant time (no early exit on a match). */
function seenBefore(known: Buffer[], presented: Buffer): boolean {
  let hit = false;
  for (const h of known) if (h.length === presented.length && timingSafeEqual(h, presented)) hit = true;
  return hit;
}

/** The same rule as the provider's allowedPolicy (provider.ts): own token, or the audience's introspector. */
function allowed(deps: FastIntrospectionDeps, caller: string, claims: Record<string, unknown>): Later<boolean> {
  if (claims.client_id === caller) return true;
  return then(deps.resource(claims.aud as string), (rs) => rs?.introspector === caller);
}

/** The body oidc-provider renders for an active ClientCredentials token. */
function responseFor(claims: Record<string, unknown>, issuer: string): Record<string, unknown> {
  const body: Record<string, unknown> = { active: true };
  for (const [name, value] of Object.entries(claims)) if (!NAMED.has(name)) body[name] = value;
  const cnf = claims.cnf as Record<string, string> | undefined;
  Object.assign(body, {
    active: true, client_id: claims.client_id, exp: claims.exp, iat: claims.iat, iss: issuer, jti: claims.jti, aud: claims.aud,
  });
  if (claims.scope) body.scope = claims.scope;
  if (cnf?.jkt || cnf?.['x5t#S256']) body.cnf = { ...(cnf['x5t#S256'] ? { 'x5t#S256': cnf['x5t#S256'] } : {}), ...(cnf.jkt ? { jkt: cnf.jkt } : {}) };
  body.token_type = cnf?.jkt ? 'DPoP' : 'Bearer';
  return body;
}
