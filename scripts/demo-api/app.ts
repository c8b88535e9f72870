/**
 * The demo resource server: a few routes protected by the Portcullis SDK, to show
 * (and test over HTTP) how a resource server verifies Portcullis tokens.
 *   GET /healthz              public
 *   GET /me                   any valid token; echoes subject, client, scopes, binding
 *   GET /reports              needs the `reports:read` permission
 *   GET /documents/<id>       needs RFC 9396 `document_access` with action `read` for
 *                             this document: `identifier` <id> and, when the detail
 *                             names `locations`, this API's audience among them
 * RFC 9396 §2.2: `locations` names resource servers and `identifier` a resource at one,
 * and the issuer lets `locations` name only the token's audience, so a document is
 * picked by `identifier`.
 */
import Koa from 'koa';
import {
  requireAuthorizationDetails, requirePermissions, requireToken, type AuthorizationDetail, type KoaContext, type KoaMiddleware,
  type RequireTokenOptions, type VerifiedAccessToken, type Verifier,
} from '@portcullis/sdk';

export interface DemoApiOptions extends RequireTokenOptions {
  verifier: Verifier;
  /** this API's audience, as registered with `resource add` */
  audience: string;
  /** the origin clients use (DPoP `htu`) */
  publicOrigin: string;
}

function chain(...steps: KoaMiddleware[]): KoaMiddleware {
  return async (ctx, next) => {
    const run = async (i: number): Promise<void> => (i < steps.length ? steps[i](ctx, () => run(i + 1)) : (await next(), undefined));
    await run(0);
  };
}

const token = (ctx: KoaContext) => ctx.state.accessToken as VerifiedAccessToken;
const DOCUMENT = /^\/documents\/([A-Za-z0-9_-]{1,64})$/;

/** Whether `detail` lets its holder read the document this request names. */
function readsDocument(detail: AuthorizationDetail, ctx: KoaContext, audience: string): boolean {
  const id = DOCUMENT.exec(ctx.path)?.[1];
  return (detail.actions ?? []).includes('read') && detail.identifier === id && (detail.locations ?? [audience]).includes(audience);
}

/** Builds the demo API. */
export function createDemoApi(options: DemoApiOptions): Koa {
  const app = new Koa();
  const auth = requireToken(options.verifier, { realm: 'portcullis-demo', ...options });
  const me = chain(auth, async (ctx) => {
    const t = token(ctx);
    ctx.body = { sub: t.subject, client_id: t.clientId, scopes: t.scopes, binding: t.binding };
  });
  const reports = chain(auth, requirePermissions('reports:read'), async (ctx) => { ctx.body = { reports: ['q1', 'q2'] }; });
  const document = chain(auth, requireAuthorizationDetails('document_access', (d, ctx) => readsDocument(d, ctx, options.audience)), async (ctx) => {
    const id = DOCUMENT.exec(ctx.path)![1];
    ctx.body = { id, content: `document ${id}` };
  });
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'POST') { ctx.status = 405; return; }
    if (ctx.path === '/healthz') { ctx.body = { status: 'ok' }; return; }
    if (ctx.path === '/me') return me(ctx, next);
    if (ctx.path === '/reports') return reports(ctx, next);
    if (DOCUMENT.test(ctx.path)) return document(ctx, next);
    ctx.status = 404;
    ctx.body = { error: 'not_found' };
  });
  return app;
}
