/**
 * The admin API's routes for the one route table (src/http/routes.ts puts the admin
 * gate in front of each): one route per path of OPERATIONS, answering the methods its
 * operations have (any other: 405), and the OpenAPI document.
 */
import type { Context, Middleware } from 'koa';
import { clientActor, invalidInput, type AdminDeps } from '../admin/index.js';
import { adminCaller, type CallerDeps } from './caller.js';
import { readJson } from './json-body.js';
import { openApiDocument } from './openapi.js';
import { OPERATIONS, type Operation } from './operations.js';

export const OPENAPI_PATH = '/admin/openapi.json';

export interface AdminApiDeps extends CallerDeps {
  service: AdminDeps;
  /** the caller's address (trusted proxies applied), for the audit trail */
  clientIp(ctx: Context): string | undefined;
}

export interface AdminRoute { path: string; methods: readonly string[]; serve: Middleware }

/** The routes of the admin API. */
export function adminRoutes(deps: AdminApiDeps): AdminRoute[] {
  const byPath = new Map<string, Operation[]>();
  for (const op of OPERATIONS) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
  const document = JSON.stringify(openApiDocument(deps.issuer));
  return [
    { path: OPENAPI_PATH, methods: ['GET'], serve: async (ctx) => { ctx.type = 'application/json'; ctx.set('Cache-Control', 'no-cache'); ctx.body = document; } },
    ...[...byPath].map(([path, ops]) => ({ path, methods: ops.map((o) => o.method), serve: dispatch(ops, deps) })),
  ];
}

function dispatch(ops: Operation[], deps: AdminApiDeps): Middleware {
  return async (ctx) => {
    const op = ops.find((o) => o.method === ctx.method || (ctx.method === 'HEAD' && o.method === 'GET'))!;
    ctx.set('Cache-Control', 'no-store');
    const clientId = await adminCaller(ctx, deps, op.scope);
    const req = {
      params: paramsOf(op.path, ctx.path), query: queryOf(ctx), actor: clientActor(clientId, deps.clientIp(ctx)),
      ifMatch: ctx.get('if-match') ? ctx.get('if-match').replace(/^(?:W\/)?"(.*)"$/, '$1') : undefined,
      ...(op.body ? { body: await readJson(ctx) } : {}),
    };
    const answer = await op.run(deps.service, req);
    ctx.status = op.status;
    if (op.status !== 204) ctx.body = answer;
    const version = (answer as { version?: unknown; client?: { version?: unknown } } | undefined);
    const etag = version?.version ?? version?.client?.version;
    if (typeof etag === 'string') ctx.set('ETag', `"${etag}"`);
  };
}

/** Path parameters, percent-decoded (a segment that does not decode is refused). */
function paramsOf(pattern: string, path: string): Record<string, string> {
  const names = pattern.split('/');
  const parts = path.split('/');
  const params: Record<string, string> = {};
  names.forEach((name, i) => {
    if (!name.startsWith(':')) return;
    try { params[name.slice(1)] = decodeURIComponent(parts[i]); } catch { throw invalidInput(`${name.slice(1)}: not a valid path segment`); }
  });
  return params;
}

/** The query string as single values (a repeated parameter is refused: which one would count?). */
function queryOf(ctx: Context): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.query)) {
    if (typeof value !== 'string') throw invalidInput(`${name}: given more than once`);
    query[name] = value;
  }
  return query;
}
