/** One log line and one duration observation per request, under a request id. */
import { randomUUID } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
import type { RoutedState } from './router.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Koa middleware: X-Request-Id (the caller's when well-formed, else a new one), the access log and the duration metric. */
export function requestLog(log: Logger, metrics: Metrics): Middleware {
  // one labelled histogram per route and status, found again rather than labelled per request
  const durations = new Map<string, { observe(seconds: number): void }>();
  const durationOf = (route: string, status: number) => {
    const key = `${route} ${status}`;
    let child = durations.get(key);
    if (!child) durations.set(key, (child = metrics.requests.labels(route, String(status))));
    return child;
  };
  return async function logRequest(ctx: Context, next: Next): Promise<void> {
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = performance.now() - started;
      durationOf((ctx.state as RoutedState).route ?? 'other', ctx.status).observe(ms / 1000);
      log.info({ requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms) }, 'request');
    }
  };
}
