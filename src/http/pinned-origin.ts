/**
 * Every URL the issuer publishes or checks against comes from ISSUER, never from the
 * request. Koa derives `ctx.host`, `ctx.protocol`, `ctx.origin` and `ctx.href` from the
 * Host header (or an absolute-form request target), and oidc-provider builds discovery's
 * endpoints and the DPoP `htu` it expects (RFC 9449 §4.3 step 9) from `ctx.href`: a
 * hostile Host would otherwise name another server in a cacheable discovery document
 * and make a proof made for that server's URL acceptable here. The raw header stays
 * readable (`ctx.get('host')`) for the gateway check, which asks about another server's
 * request.
 */
import type { Context, Middleware, Next } from 'koa';

/** Pins the request's origin to the issuer's for everything downstream. */
export function pinnedOrigin(issuer: string): Middleware {
  const url = new URL(issuer);
  const [host, protocol, origin] = [url.host, url.protocol.slice(0, -1), url.origin];
  return async (ctx: Context, next: Next): Promise<void> => {
    Object.defineProperties(ctx.request, {
      host: { value: host },
      hostname: { value: url.hostname },
      protocol: { value: protocol },
      origin: { value: origin },
      href: { get: () => origin + pathOf(ctx.originalUrl) },
    });
    await next();
  };
}

/** The path and query of a request target, also of an absolute-form one (RFC 9112 §3.2.2). */
function pathOf(target: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target;
  const url = URL.parse(target);
  return url ? url.pathname + url.search : '/';
}
