/**
 * /admin/openapi.json is generated from the operations and their zod schemas: it
 * validates as OpenAPI 3.1 (a maintained validator), every /admin route of the app's one
 * route table appears in it with every method the route answers, every operation it
 * describes is answered by the running issuer, and its request schemas are the ones that
 * validate requests (what the document forbids, the API refuses).
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Middleware } from 'koa';
import { adminRoutes } from '../../../src/admin-api/index.js';
import { routeTable } from '../../../src/http/index.js';
import type { AdminDeps } from '../../../src/admin/index.js';
import { call, startWithAdmin, type AdminSetup } from './support.js';

let s: AdminSetup;
let doc: { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>> };

beforeAll(async () => {
  s = await startWithAdmin();
  const res = await call(s, 'GET', '/admin/openapi.json', undefined, undefined);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = res.json as typeof doc;
});

afterAll(async () => { await s.t.close(); });

/** The app's route table, built as createApp builds it (handlers are never run here). */
function appRoutes() {
  const none = (async () => undefined) as unknown as Middleware;
  const admin = adminRoutes({ issuer: s.t.url, bearer: {} as never, bearerClients: [], service: {} as AdminDeps, clientIp: () => undefined, certificate: () => undefined });
  return routeTable({
    db: s.t.issuer.db, health: {} as never, keys: s.t.issuer.keys, metrics: {} as never, oidc: { serve: none }, gates: {} as never, interactions: none, fastIntrospection: none,
    fingerprint: {}, events: { poll: none, stream: none }, gatewayCheck: none, admin,
  });
}

const documented = (path: string) => path.replace(/:([a-z]+)/g, '{$1}');

describe('the admin API OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    // and the validator is not a rubber stamp: a broken operation fails it
    const broken = { ...doc, paths: { ...doc.paths, '/admin/v1/broken': { get: { responses: 'none' } } } };
    expect((await new Validator().validate(broken as unknown as Record<string, unknown>)).valid).toBe(false);
  });

  it('describes every /admin/v1 route of the route table, with every method it answers', () => {
    const routes = appRoutes().filter((r) => r.path.startsWith('/admin/v1/') || r.path === '/admin/v1');
    expect(routes.length).toBeGreaterThanOrEqual(4);
    for (const route of routes) {
      const item = doc.paths[documented(route.path)];
      expect(item).toBeDefined();
      expect(Object.keys(item).sort()).toEqual(route.methods.map((m) => m.toLowerCase()).sort());
    }
    expect(Object.keys(doc.paths).sort()).toEqual(routes.map((r) => documented(r.path)).sort());
  });

  it('every documented operation is answered by the issuer (a challenge, not 404 or 405)', async () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        const res = await call(s, method.toUpperCase(), path.replace(/\{[a-z]+\}/g, 'ops'), undefined, undefined);
        expect([method, path, res.status]).toEqual([method, path, 401]);
      }
    }
  });

  it('takes its request schemas from the validation: unknown fields are forbidden, the id pattern and limits are there', () => {
    const schema = doc.paths['/admin/v1/clients'].post.requestBody!.content['application/json'].schema as { additionalProperties?: unknown; required?: string[]; properties: Record<string, { maxItems?: number }> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['id']);
    expect(schema.properties.audiences.maxItems).toBe(32);
  });
});
