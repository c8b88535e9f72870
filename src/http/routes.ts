/**
 * Every route the issuer answers, in one table: Portcullis's own routes, the sign-in
 * pages, the event endpoints, and each route oidc-provider serves (src/oidc/routes.ts)
 * with the gate in front of it. A place that authenticates clients or checks a token for
 * whoever asks has its gate here; GATES names one (or none) for every oidc-provider
 * route, and the compiler refuses a route name without an entry.
 */
import type { Middleware, Next, Context } from 'koa';
import { PROVIDER_ROUTES, type Oidc, type ProviderRouteName } from '../oidc/index.js';
import type { ThrottleKind } from '../throttle/index.js';
import type { Database, DatabaseHealth } from '../storage/index.js';
import type { KeyStore } from '../keys/index.js';
import { POLL_PATH, STREAM_PATH } from '../events/index.js';
import { gate, type GateDeps } from './gate.js';
import { GATEWAY_AUTHORIZATION } from './gateway-check.js';
import { parseBasic } from './basic-credentials.js';
import { CHECK_PATH } from './original-request.js';
import { shieldedToken } from './form.js';
import { checkIntrospectionParameters, handOnIntrospection } from './introspection.js';
import { health, jwksRoute, metricsRoute, readiness } from './own-routes.js';
import { ACCOUNT_PATH } from './fingerprint-routes.js';
import type { Metrics } from './metrics.js';
import type { Route } from './router.js';
import type { AdminRoute } from '../admin-api/index.js';

/** The throttle place of each oidc-provider route; undefined: no client authentication, no token check. */
export const GATES: Record<ProviderRouteName, ThrottleKind | undefined> = {
  discovery: undefined,
  authorization: undefined,
  resume: undefined,
  token: 'token',
  introspection: 'introspect',
  revocation: 'revoke',
  // RFC 9126: pushed authorization requests authenticate the client as /token does
  pushed_authorization_request: 'token',
  // sign-out verifies the signature of any id_token_hint it is sent
  end_session: 'logout',
  end_session_confirm: 'logout',
  end_session_success: undefined,
};

export interface RouteDeps {
  db: Database;
  /** the database's availability (/readyz, the 503 answers) */
  health: DatabaseHealth;
  keys: Pick<KeyStore, 'jwks'>;
  metrics: Metrics;
  metricsToken?: string;
  oidc: Pick<Oidc, 'serve'>;
  gates: GateDeps;
  /** the sign-in pages (src/interactions) */
  interactions: Middleware;
  /** the introspection fast path (fast-introspection.ts) */
  fastIntrospection: Middleware;
  /** fingerprint and privacy routes, by path (fingerprint-routes.ts) */
  fingerprint: Record<string, Middleware>;
  /** the security event endpoints (src/events) */
  events: { poll: Middleware; stream: Middleware };
  /** forward authentication for API gateways (gateway-check.ts) */
  gatewayCheck: Middleware;
  /** the account pages (src/account): their paths and the one middleware serving them */
  account?: { paths: readonly string[]; serve: Middleware };
  /** the admin API (src/admin-api): each route checks its caller's token itself */
  admin?: readonly AdminRoute[];
}

const GET = ['GET'] as const;
const ANY = ['*'] as const;

/** The route table. */
export function routeTable(deps: RouteDeps): Route[] {
  const gated = (kind: ThrottleKind, ...serve: Middleware[]): Middleware[] => [gate(kind, deps.gates), ...serve];
  return [
    { path: '/healthz', methods: GET, serve: [health] },
    { path: '/readyz', methods: GET, serve: [readiness(deps.health)] },
    { path: '/metrics', methods: GET, serve: [metricsRoute(deps.metrics, deps.metricsToken)] },
    { path: '/jwks', methods: GET, serve: [jwksRoute(deps.keys)] },
    ...['/fingerprint.js', '/.well-known/fingerprint-disclosure', '/privacy'].map((path) => ({ path, methods: GET, serve: [deps.fingerprint[path]] })),
    { path: ACCOUNT_PATH, methods: ['GET', 'DELETE'], serve: gated('account', deps.fingerprint[ACCOUNT_PATH]) },
    { path: POLL_PATH, methods: ANY, serve: gated('events', deps.events.poll) },
    { path: STREAM_PATH, methods: ANY, serve: gated('events', deps.events.stream) },
    // nginx and Traefik ask at the path itself; Envoy appends the original path to it
    ...[CHECK_PATH, `${CHECK_PATH}/*`].map((path) => ({ path, methods: ANY, serve: [gate('gateway', deps.gates, gatewayClaimed), deps.gatewayCheck] })),
    ...(deps.account?.paths ?? []).map((path) => ({ path, methods: ANY, serve: [deps.account!.serve] })),
    // the admin API's caller is known only once its token is opened: throttled by address
    ...(deps.admin ?? []).map((r) => ({ path: r.path, methods: r.methods, serve: [gate('admin', deps.gates, noClaim), r.serve] })),
    { path: '/interaction/:uid', methods: ANY, serve: [deps.interactions] },
    { path: '/interaction/:uid/:step', methods: ANY, serve: [deps.interactions] },
    ...PROVIDER_ROUTES.map((route) => {
      const kind = GATES[route.name];
      const serve = [...extras(route.name, deps), deps.oidc.serve];
      return { path: route.path, methods: route.methods, serve: kind ? gated(kind, ...serve) : serve };
    }),
  ];
}

/** What an oidc-provider route runs between its gate and oidc-provider. */
function extras(name: ProviderRouteName, deps: RouteDeps): Middleware[] {
  if (name === 'introspection') return [checkIntrospectionParameters, deps.fastIntrospection, handOnIntrospection(deps.metrics)];
  if (name === 'revocation') return [shieldToken];
  if (name === 'discovery') return [cacheFor(300)];
  return [];
}

/**
 * Discovery changes only with a deployment (and never with the request: pinned-origin.ts),
 * so shared caches may keep it for a while (RFC 8414 §3 leaves caching to HTTP).
 */
function cacheFor(seconds: number): Middleware {
  return async (ctx: Context, next: Next): Promise<void> => {
    await next();
    if (ctx.status === 200) ctx.set('Cache-Control', `public, max-age=${seconds}`);
  };
}

/** A gateway claims to be the client in its Gateway-Authorization header. */
async function gatewayClaimed(ctx: Context): Promise<string | undefined> {
  const basic = parseBasic(ctx.get(GATEWAY_AUTHORIZATION));
  return basic ? basic.id ?? basic.rawId : undefined;
}

async function noClaim(): Promise<undefined> {
  return undefined;
}

async function shieldToken(ctx: Context, next: Next): Promise<void> {
  shieldedToken(ctx);
  await next();
}
