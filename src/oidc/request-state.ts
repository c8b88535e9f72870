/**
 * What the HTTP layer in front of oidc-provider and the hooks inside it tell each other
 * about one request, on Koa's `ctx.state` (oidc-provider runs on the same context).
 */
import type { ParsedUrlQuery } from 'node:querystring';
import type { OpenedToken } from '../tokens/index.js';

export interface TokenRequestState {
  /** the form the client sent (url-encoded body), read once in front of oidc-provider */
  form?: ParsedUrlQuery;
  /** the client's address (trusted proxies applied) */
  clientIp?: string;
  /** `presenter_ip` at /introspect: where the resource server saw the token come from */
  presenterIp?: string;
  /** the token presented at /introspect or /revoke, once it opened (active) */
  opened?: OpenedToken;
  /** the introspection policy allowed the token: the answer is active */
  allowedActive?: boolean;
  /** the introspection answer was turned inactive by a risk decision (step-up, ended session) */
  riskRefused?: boolean;
}

/** The state of a request, typed for the fields above. */
export function stateOf(ctx: { state: unknown } | undefined): TokenRequestState | undefined {
  return ctx?.state as TokenRequestState | undefined;
}
