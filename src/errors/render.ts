import { OAuthError, ServerError, errorBody } from './oauth-error.js';

interface Logger { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
/** What the renderer needs of a request context (a Koa context has it). */
interface Answerable { state: { requestId?: string }; status: number; body: unknown; set(name: string, value: string): void }

/**
 * The one place errors become responses: OAuthError renders as an RFC 6749 error body
 * with its status and headers; anything else is logged and answered as server_error
 * without details or stack traces. Errors thrown synchronously by the layers after it
 * and rejections of their promise are rendered alike (the token endpoints' layers
 * continue synchronously where they can: src/http/chain.ts).
 */
export function renderErrors(log: Logger) {
  return function renderError(ctx: Answerable, next: () => void | Promise<void>): void | Promise<void> {
    const render = (caught: unknown): void => {
      const err = caught instanceof OAuthError ? caught : new ServerError(String((caught as Error)?.message ?? caught));
      if (err instanceof ServerError) log.error({ err: caught, requestId: ctx.state.requestId }, 'unexpected error');
      else log.warn({ error: err.error, detail: err.detail, requestId: ctx.state.requestId }, 'request refused');
      ctx.status = err.status;
      ctx.set('Cache-Control', 'no-store');
      for (const [name, value] of Object.entries(err.headers)) ctx.set(name, value);
      ctx.body = errorBody(err);
    };
    try {
      const rest = next();
      return rest instanceof Promise ? rest.catch(render) : undefined;
    } catch (caught) {
      return render(caught);
    }
  };
}
