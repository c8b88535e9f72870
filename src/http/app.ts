/**
 * The HTTP app: one Koa application for every request. Top to bottom:
 *   1. request id, access log and duration metric (request-log.ts);
 *   2. errors rendered as RFC 6749 bodies (src/errors);
 *   3. the request's origin pinned to ISSUER (pinned-origin.ts);
 *   4. the route table (routes.ts): the request's exact path picks one route, which runs
 *      its gate (gate.ts) and its handlers; oidc-provider is mounted on the same context
 *      as the last handler of its routes.
 */
import Koa from 'koa';
import type { Logger } from 'pino';
import { renderErrors } from '../errors/index.js';
import type { Metrics } from './metrics.js';
import { pinnedOrigin } from './pinned-origin.js';
import { requestLog } from './request-log.js';
import { router } from './router.js';
import { routeTable, type RouteDeps } from './routes.js';

export interface AppDeps extends RouteDeps {
  log: Logger;
  metrics: Metrics;
  /** keys of signed cookies (oidc-provider's session and interaction cookies) */
  cookieKeys: string[];
  /** ISSUER: the origin of every URL published or checked */
  issuer: string;
}

/** Builds the Koa app. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.keys = deps.cookieKeys; // oidc-provider runs on this app's contexts, cookies included
  app.use(requestLog(deps.log, deps.metrics));
  app.use(renderErrors(deps.log));
  app.use(pinnedOrigin(deps.issuer));
  app.use(router(routeTable(deps)));
  return app;
}
