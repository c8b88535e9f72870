/**
 * Routing by one table (routes.ts). A request's path picks a route the way
 * oidc-provider's own router would pick one of its routes: the exact path, else the
 * same path in another ASCII letter case or with one trailing slash (`/TOKEN`,
 * `/token/`). The request then continues under the route's registered path, so every
 * layer after the router, oidc-provider included, sees that one spelling; a path that
 * matches no route (percent-encoded letters, doubled slashes, anything unlisted) is a
 * 404 that reaches nothing. A route names the methods it answers and runs its own
 * middleware list, gate first where it has one: what runs for a request follows from
 * the table alone.
 */
import type { Context, Middleware, Next } from 'koa';
import compose from 'koa-compose';
import { OAuthError } from '../errors/index.js';

export interface Route {
  /** the registered path; a `:name` segment matches one non-empty path segment, a last `*` the rest of the path */
  path: string;
  /** methods answered; GET answers HEAD too; ['*'] leaves the method to the route */
  methods: readonly string[];
  /** what runs, in order */
  serve: Middleware[];
}

interface Compiled { route: Route; run: Middleware; segments: (string | null)[]; rest: boolean }

/** State the router leaves for the request log. */
export interface RoutedState { route?: string }

/** Koa middleware dispatching to the route whose path is the request's path. */
export function router(routes: readonly Route[]): Middleware {
  const table = routes.map(compile);
  const exact = new Map(table.filter((c) => !c.rest && !c.segments.includes(null)).map((c) => [c.route.path, c]));
  return function dispatch(ctx: Context, next: Next): Promise<void> {
    const registered = exact.get(ctx.path);
    const found = registered ? { compiled: registered, path: ctx.path } : match(table, ctx.path) ?? (ctx.path.length > 1 && ctx.path.endsWith('/') ? match(table, ctx.path.slice(0, -1)) : undefined);
    if (!found) return next();
    if (found.path !== ctx.path) ctx.path = found.path; // the registered spelling, for every layer after this one
    (ctx.state as RoutedState).route = found.compiled.route.path;
    if (!answers(found.compiled.route.methods, ctx.method)) throw notAllowed(found.compiled.route.methods);
    return found.compiled.run(ctx, next);
  };
}

function compile(route: Route): Compiled {
  const all = route.path.split('/');
  const rest = all[all.length - 1] === '*';
  const segments = (rest ? all.slice(0, -1) : all).map((s) => (s.startsWith(':') ? null : s));
  return { route, run: compose(route.serve), segments, rest };
}

/** The route for `path` (static segments compared in ASCII lower case), and the path spelled as registered. */
function match(table: Compiled[], path: string): { compiled: Compiled; path: string } | undefined {
  const parts = path.split('/');
  const folded = asciiLower(path).split('/');
  for (const compiled of table) {
    const { segments, rest } = compiled;
    if (rest ? parts.length <= segments.length : segments.length !== parts.length) continue;
    if (segments.every((s, i) => (s === null ? parts[i] !== '' : s === folded[i]))) {
      return { compiled, path: [...segments.map((s, i) => s ?? parts[i]), ...parts.slice(segments.length)].join('/') };
    }
  }
  return undefined;
}

// ASCII only: other characters never fold to ASCII ones (as in oidc-provider's router)
const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function answers(methods: readonly string[], method: string): boolean {
  return methods.includes('*') || methods.includes(method) || (method === 'HEAD' && methods.includes('GET'));
}

/** RFC 9110 §15.5.6: 405 with the methods the path answers. */
function notAllowed(methods: readonly string[]): OAuthError {
  const allow = methods.join(', ');
  return new OAuthError('invalid_request', 405, `this endpoint answers ${allow} only`, undefined, { Allow: allow });
}
