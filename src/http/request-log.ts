/** One log line and one duration observation per request, under a request id. */
import { randomUUID } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
import type { RoutedState } from './router.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Koa middleware: X-Request-Id (the caller's when well-formed, else a new one), the access log and the duration metric. */
export function requestLog(log: Logger, metrics: Metrics): Middleware {
  return async function logRequest(ctx: Context, next: Next): Promise<void> {
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const stop = metrics.requests.startTimer();
    try {
      await next();
    } finally {
      const route = (ctx.state as RoutedState).route ?? 'other';
      const seconds = stop({ route, status: String(ctx.status) });
      log.info({ requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(seconds * 1000) }, 'request');
    }
  };
}
