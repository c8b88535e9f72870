/**
 * The demo resource server: a few routes protected by the Portcullis SDK, to show
 * (and test over HTTP) how a resource server verifies Portcullis tokens.
 *   GET /healthz              public
 *   GET /me                   any valid token; echoes subject, client, scopes, binding
 *   GET /reports              needs the `reports:read` permission
 *   GET /documents/<id>       needs RFC 9396 `document_access` with action `read`
 *                             and this document's URL among its locations
 */
import Koa, { type Context, type Next } from 'koa';
import { requireAuthorizationDetails, requirePermissions, requireToken, type RequireTokenOptions, type VerifiedAccessToken, type Verifier } from '@portcullis/sdk';

export interface DemoApiOptions extends RequireTokenOptions {
  verifier: Verifier;
  /** the origin clients use; document locations are built from it */
  publicOrigin: string;
}

type Middleware = (ctx: Context, next: Next) => Promise<void>;

function chain(...steps: Middleware[]): Middleware {
  return async (ctx, next) => {
    const run = async (i: number): Promise<void> => (i < steps.length ? steps[i](ctx, () => run(i + 1)) : next());
    await run(0);
  };
}

const token = (ctx: Context) => ctx.state.accessToken as VerifiedAccessToken;

/** Builds the demo API. */
export function createDemoApi(options: DemoApiOptions): Koa {
  const app = new Koa();
  const auth = requireToken(options.verifier, { realm: 'portcullis-demo', ...options });
  const me = chain(auth, async (ctx) => {
    const t = token(ctx);
    ctx.body = { sub: t.subject, client_id: t.clientId, scopes: t.scopes, binding: t.binding };
  });
  const reports = chain(auth, requirePermissions('reports:read'), async (ctx) => { ctx.body = { reports: ['q1', 'q2'] }; });
  const document = (id: string) => chain(auth, requireAuthorizationDetails('document_access', (d) =>
    (d.actions ?? []).includes('read') && (d.locations ?? []).includes(new URL(`/documents/${id}`, options.publicOrigin).href)),
  async (ctx) => { ctx.body = { id, content: `document ${id}` }; });
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'POST') { ctx.status = 405; return; }
    if (ctx.path === '/healthz') { ctx.body = { status: 'ok' }; return; }
    if (ctx.path === '/me') return me(ctx, next);
    if (ctx.path === '/reports') return reports(ctx, next);
    const m = /^\/documents\/([A-Za-z0-9_-]{1,64})$/.exec(ctx.path);
    if (m) return document(m[1])(ctx, next);
    ctx.status = 404;
    ctx.body = { error: 'not_found' };
  });
  return app;
}
