import type { Context, Next } from 'koa';
import { OAuthError, ServerError, errorBody } from './oauth-error.js';

interface Logger { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }

/**
 * The one place errors become responses: OAuthError renders as an RFC 6749 §5.2 error
 * body with its status and headers; anything else is logged and answered as
 * server_error without details or stack traces.
 */
export function renderErrors(log: Logger) {
  return async function renderError(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (caught) {
      const err = caught instanceof OAuthError ? caught : new ServerError(String((caught as Error)?.message ?? caught));
      if (err instanceof ServerError) log.error({ err: caught, requestId: ctx.state.requestId }, 'unexpected error');
      else log.warn({ error: err.error, detail: err.detail, requestId: ctx.state.requestId }, 'request refused');
      ctx.status = err.status;
      ctx.set('Cache-Control', 'no-store');
      for (const [name, value] of Object.entries(err.headers)) ctx.set(name, value);
      ctx.body = errorBody(err);
    }
  };
}
