/**
 * The HTTP app: request ids and logs, health, readiness, metrics and JWKS, then
 * everything else handed to the live oidc-provider instance. POSTs to the token
 * endpoints take the lane (lane.ts), everything else Koa; both run the same chains.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa, { type Context, type Middleware } from 'koa';
import type { Logger } from 'pino';
import { renderErrors } from '../errors/index.js';
import type { KeyStore } from '../keys/index.js';
import type { Database } from '../storage/index.js';
import { interactionRoutes, type InteractionDeps } from '../interactions/index.js';
import type { UserService } from '../users/index.js';
import type { Metrics } from './metrics.js';
import type { ProviderHolder } from './provider-holder.js';
import { tokenShield } from './token-shield.js';
import type { Exchange, Next, Step } from './exchange.js';
import { createLane, endpointPath } from './lane.js';
import type { RequestStates } from './request-state.js';
import { chain, steps, pending } from './chain.js';
// throttling (issue 9)
import type { BlockList } from 'node:net';
import type { Throttle, ThrottleKind } from '../throttle/index.js';
import { throttleGate, throttleOutcome, type ThrottledRequest } from './throttle-gate.js';
import { clientAddress } from './client-address.js';
// risk signals and responses (issue 7)
import type { RiskService } from '../risk/index.js';
import { riskGate, riskOutcome, type RiskRequest } from './risk-gate.js';

export interface AppDeps {
  log: Logger; db: Database; keys: KeyStore; metrics: Metrics; holder: ProviderHolder; requests: RequestStates;
  /** answers the common introspection without oidc-provider (fast-introspection.ts) */
  fastIntrospection?: Step;
  users: UserService;
  /** key of the interaction pages' CSRF tokens */
  csrfKey: Uint8Array;
  /** routes other areas serve before oidc-provider (issue 8: the RFC 8936 poll endpoint, /ssf/stream) */
  extraRoutes?: Middleware[];
  /** paths among those that authenticate callers themselves, with their throttle place (event endpoints, /me/data) */
  guardedRoutes?: { path: string; kind: ThrottleKind }[];
  throttle: Throttle; trustedProxies: BlockList; // issue 9
  /** when set, /metrics answers only `Authorization: Bearer <metricsToken>` */
  metricsToken?: string;
  /** issue 6: device fingerprints at sign-in, and the early check of /introspect's `fingerprint` */
  fingerprints?: { interactions: InteractionDeps['fingerprints']; introspectionCheck: Step };
  risk?: RiskService; // issue 7
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Builds the HTTP request listener. POSTs to the token endpoints take a chain of their
 * own (risk and throttle gates, then what that endpoint needs, then oidc-provider),
 * served by the lane without a Koa context; everything else goes through Koa: our own
 * routes, the interaction pages and the extra routes, then oidc-provider.
 * Each middleware layer costs a promise under AsyncLocalStorage, so the hot endpoints
 * pass only the layers that act on them.
 */
export function createApp(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const app = new Koa();
  const provider = handToProvider(deps.holder);
  const risk = deps.risk ? riskGate({ risk: deps.risk, trustedProxies: deps.trustedProxies, requests: deps.requests }) : undefined;
  const outcome = throttleOutcome(deps.throttle, deps.requests) as unknown as Step;
  const gates = (kind: ThrottleKind): Step[] => [
    ...(risk ? [risk] : []), // issue 7: deny list, client lockouts
    throttleGate(deps, kind), // issue 9: budgets before any crypto or database work
    outcome, // answers of the fast path and of our own endpoints count too
  ];
  const shield = tokenShield(['/introspect', '/revoke']);
  const endpoints = new Map<string, Step>(Object.entries({
    '/token': steps([...gates('token'), provider]),
    '/introspect': steps([
      ...gates('introspect'),
      ...(deps.fingerprints ? [deps.fingerprints.introspectionCheck] : []), // issue 6
      ...(deps.risk ? [riskOutcome(deps.risk, deps.requests) as unknown as Step] : []), // issue 7: answers of the fast path too
      ...(deps.fastIntrospection ? [deps.fastIntrospection] : []),
      shield, // only oidc-provider needs the shielded body
      provider,
    ]),
    '/revoke': steps([...gates('revoke'), shield, provider]),
    // RFC 9126 pushed authorization requests (oidc-provider's default, at /request) authenticate clients as /token does
    '/request': steps([...gates('token'), provider]),
  }));
  const everythingElse = chain<Context>([
    routes(deps),
    interactionRoutes({
      provider: () => deps.holder.provider(), users: deps.users, csrfKey: deps.csrfKey, log: deps.log,
      throttle: deps.throttle, clientIp: (ctx) => clientAddress(ctx.req.socket.remoteAddress, ctx.get('x-forwarded-for'), deps.trustedProxies),
      fingerprints: deps.fingerprints?.interactions,
      risk: deps.risk,
    }),
    ...(deps.extraRoutes ?? []),
    provider,
  ]);
  const outer: Step[] = [requestLog(deps), renderErrors(deps.log)];
  for (const layer of outer) app.use(layer as Middleware);
  // places that authenticate a caller outside oidc-provider, or verify a signature for anyone (sign-out), throttled whatever the method
  const guarded = new Map<string, Middleware>([
    ...(deps.guardedRoutes ?? []).map(({ path, kind }) => [path, steps<Context>([...gates(kind), (ctx, next) => everythingElse(ctx, async () => next())]) as Middleware] as const),
  ]);
  // the lane takes these POSTs as sent; a path only Koa's URL parsing finds (an absolute-form target) still reaches the chain here
  app.use((ctx, next) => {
    const path = endpointPath(ctx.path);
    const endpoint = ctx.method === 'POST' ? endpoints.get(path) : undefined;
    if (endpoint && path !== ctx.path) ctx.path = path; // any case or trailing slash reaches oidc-provider's endpoint (lane.ts endpointPath)
    return (endpoint || guarded.get(path) || everythingElse)(ctx, next); // `path`: as oidc-provider's router matches it
  });
  const lane = createLane(outer, endpoints);
  const koa = app.callback();
  return (req, res) => {
    if (!lane(req, res)) void koa(req, res);
  };
}

/** The live oidc-provider answers (RFC 8414 §3 metadata under its OpenID name too). */
function handToProvider(holder: ProviderHolder): Step {
  return async (ctx: Exchange) => {
    if (ctx.path === '/.well-known/oauth-authorization-server') ctx.req.url = '/.well-known/openid-configuration'; // RFC 8414 §3
    ctx.respond = false;
    await holder.callback()(ctx.req, ctx.res);
  };
}

function requestLog({ log, metrics, requests }: AppDeps) {
  return function logRequest(ctx: Exchange, next: Next): void | Promise<void> {
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    const state = requests.start(ctx.req);
    const done = (): void => {
      const status = ctx.respond === false ? ctx.res.statusCode : ctx.status;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (ctx.path === '/introspect' && state.tokenResult) metrics.introspected(state.tokenResult, state.fast ? 'fast' : 'provider');
      metrics.requests.child(routeLabel(ctx.path), String(status)).observe(seconds); // one child per route and status, found again
      log.info({ requestId, method: ctx.method, path: ctx.path, status, ms: Math.round(seconds * 1000) }, 'request');
    };
    const rest = next();
    return pending(rest) ? rest.then(done) : done();
  };
}

const KNOWN = new Set(['/token', '/introspect', '/revoke', '/request', '/jwks', '/healthz', '/readyz', '/metrics', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/auth', '/session/end', '/session/end/confirm', '/session/end/success']);
function routeLabel(path: string): string {
  if (path.startsWith('/interaction/')) return '/interaction';
  if (path.startsWith('/auth/')) return '/auth/resume';
  return KNOWN.has(path) ? path : 'other';
}

function routes({ db, keys, metrics, metricsToken }: AppDeps) {
  const allowed = metricsToken === undefined ? () => true : bearerCheck(metricsToken);
  return async function serveOwnRoutes(ctx: Context, next: () => Promise<void>): Promise<void> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    switch (ctx.path) {
      case '/healthz':
        ctx.body = { status: 'ok' };
        return;
      case '/readyz':
        try {
          await db.pool.query('SELECT 1');
          ctx.body = { status: 'ready' };
        } catch {
          ctx.status = 503;
          ctx.body = { status: 'unavailable' };
        }
        return;
      case '/metrics':
        if (!allowed(ctx.get('authorization'))) {
          ctx.status = 401;
          ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
          ctx.body = { error: 'invalid_token' };
          return;
        }
        ctx.type = metrics.registry.contentType;
        ctx.body = await metrics.registry.metrics();
        return;
      case '/jwks':
        ctx.type = 'application/jwk-set+json';
        ctx.set('Cache-Control', 'public, max-age=60');
        ctx.body = keys.jwks();
        return;
      default:
        return next();
    }
  };
}

/** Compares an Authorization header with `Bearer <token>` in constant time (digests of equal length). */
function bearerCheck(token: string): (header: string) => boolean {
  const expected = createHash('sha256').update(`Bearer ${token}`).digest();
  return (header) => timingSafeEqual(createHash('sha256').update(header).digest(), expected);
}
