import type { Context, Next } from 'koa';
import { OAuthError, ServerError, TemporarilyUnavailable, errorBody } from './oauth-error.js';

interface Logger { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }

/**
 * Tells whether an error means a dependency is unavailable (and records it: the
 * dependency's own log says so once per change of state, not once per request).
 */
export interface Unavailability { unavailable(err: unknown): boolean }

/**
 * The one place errors become responses: OAuthError renders as an RFC 6749 §5.2 error
 * body with its status and headers; a dependency that is unavailable (the database
 * down or past its deadline) is 503 temporarily_unavailable with Retry-After and no log
 * line of its own; anything else is logged and answered as server_error without
 * details or stack traces.
 */
export function renderErrors(log: Logger, dependencies?: Unavailability) {
  return async function renderError(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (caught) {
      const err = caught instanceof OAuthError ? caught
        : dependencies?.unavailable(caught) ? new TemporarilyUnavailable()
          : new ServerError(String((caught as Error)?.message ?? caught));
      if (err instanceof TemporarilyUnavailable) { /* the dependency's state change was logged */ } else if (err instanceof ServerError) log.error({ err: caught, requestId: ctx.state.requestId }, 'unexpected error');
      else log.warn({ error: err.error, detail: err.detail, requestId: ctx.state.requestId }, 'request refused');
      ctx.status = err.status;
      ctx.set('Cache-Control', 'no-store');
      for (const [name, value] of Object.entries(err.headers)) ctx.set(name, value);
      ctx.body = errorBody(err);
    }
  };
}
