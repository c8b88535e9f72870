/**
 * Bad input to every admin API endpoint gets a 4xx JSON error body naming the problem,
 * never a 5xx, and changes nothing: wrong types, unknown fields, huge bodies, bodies
 * that are not JSON, ids with path characters, taken ids, concurrent updates of one
 * client, scopes its audiences do not register, methods an endpoint does not answer.
 */
import { dpopKey, type DpopKey } from '../../support/binding.js';
import { leaksInternals, serverErrors } from '../../support/issuer.js';
import { API, call, startWithAdmin, tokenFor, type AdminSetup } from './support.js';

let s: AdminSetup;
let key: DpopKey;
let token: string;

beforeAll(async () => {
  s = await startWithAdmin();
  key = await dpopKey();
  token = await tokenFor(s, 'ops', s.secret, 'admin:read admin:write', key);
  expect((await call(s, 'POST', '/admin/v1/clients', token, key, { body: { id: 'billing', scopes: ['read'], audiences: [API] } })).status).toBe(201);
});

afterAll(async () => {
  expect(serverErrors(s.t.logs)).toEqual([]);
  await s.t.close();
});

const state = async () => ({
  audit: await s.t.issuer.db.prisma.adminAudit.count(),
  clients: (await s.t.issuer.db.prisma.client.findMany({ orderBy: { id: 'asc' } })).map((c) => [c.id, c.updatedAt.getTime()]),
  resources: await s.t.issuer.db.prisma.resourceServer.findMany({ orderBy: { audience: 'asc' } }),
  masters: await s.t.issuer.db.prisma.masterSecret.count(),
  signingKeys: (await s.t.issuer.db.prisma.signingKey.findMany({ orderBy: { kid: 'asc' } })).map((k) => [k.kid, k.state]),
});

const valid = { scopes: ['read'], audiences: [API] };

describe('admin API refuses bad input, changing nothing', () => {
  const cases: Array<{ name: string; method: string; path: string; body?: string | object; headers?: Record<string, string>; status: number; message: RegExp }> = [
    { name: 'a wrong type', method: 'POST', path: '/admin/v1/clients', body: { id: 5, ...valid }, status: 400, message: /^id: /i },
    { name: 'a list of the wrong type', method: 'POST', path: '/admin/v1/clients', body: { id: 'c1', scopes: 'read', audiences: [API] }, status: 400, message: /^scopes: / },
    { name: 'an unknown field', method: 'POST', path: '/admin/v1/clients', body: { id: 'c1', ...valid, client_secret: 'x' }, status: 400, message: /client_secret/ },
    { name: 'a body that is not an object', method: 'POST', path: '/admin/v1/clients', body: '[1,2]', status: 400, message: /expected object/i },
    { name: 'a body that is not JSON', method: 'POST', path: '/admin/v1/clients', body: '{"id": ', status: 400, message: /not valid JSON/ },
    { name: 'a body that is not declared JSON', method: 'POST', path: '/admin/v1/clients', body: 'id=c1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, message: /application\/json/ },
    { name: 'a huge body', method: 'POST', path: '/admin/v1/clients', body: { id: 'c1', ...valid, redirectUris: Array(40).fill(`https://a.example/${'x'.repeat(2000)}`) }, status: 413, message: /at most 65536 bytes/ },
    { name: 'a client id that is not an id', method: 'POST', path: '/admin/v1/clients', body: { id: '../etc', ...valid }, status: 400, message: /client id must be/ },
    { name: 'a path id with an encoded slash', method: 'GET', path: '/admin/v1/clients/a%2Fb', status: 400, message: /client id must be/ },
    { name: 'a path id with encoded dot segments', method: 'DELETE', path: '/admin/v1/clients/..%2F..%2Fops', status: 400, message: /client id must be/ },
    { name: 'a path id that does not decode', method: 'GET', path: '/admin/v1/clients/%E0%A4%A', status: 400, message: /not a valid path segment/ },
    { name: 'a taken id', method: 'POST', path: '/admin/v1/clients', body: { id: 'billing', ...valid }, status: 409, message: /client billing already exists/ },
    { name: 'an unknown client', method: 'PUT', path: '/admin/v1/clients/ghost', body: { ...valid }, status: 404, message: /no client ghost/ },
    { name: 'a body naming another client than the path', method: 'PUT', path: '/admin/v1/clients/billing', body: { id: 'ops', ...valid }, status: 400, message: /another client/ },
    { name: 'scopes the audience does not register', method: 'POST', path: '/admin/v1/clients', body: { id: 'c1', scopes: ['read', 'delete'], audiences: [API] }, status: 400, message: /scope delete is not registered by its audience/ },
    { name: 'an audience that is not registered', method: 'POST', path: '/admin/v1/clients', body: { id: 'c1', scopes: ['read'], audiences: ['https://nowhere.example'] }, status: 400, message: /not a registered resource server/ },
    { name: 'an If-Match that is no version', method: 'PUT', path: '/admin/v1/clients/billing', body: { ...valid }, headers: { 'if-match': '"yesterday"' }, status: 400, message: /If-Match/ },
    { name: 'a stale If-Match', method: 'PUT', path: '/admin/v1/clients/billing', body: { ...valid }, headers: { 'if-match': '"1"' }, status: 412, message: /changed since version 1/ },
    { name: 'a resource audience that is not an absolute URI', method: 'POST', path: '/admin/v1/resource-servers', body: { audience: '/relative', scopes: ['x'] }, status: 400, message: /absolute URI/ },
    { name: 'a resource server without scopes', method: 'POST', path: '/admin/v1/resource-servers', body: { audience: 'https://new.example', scopes: [] }, status: 400, message: /at least one scope/ },
    { name: 'a token lifetime out of range', method: 'POST', path: '/admin/v1/resource-servers', body: { audience: 'https://new.example', scopes: ['x'], accessTokenTtl: 5 }, status: 400, message: /between 30s and 1d/ },
    { name: 'a token lifetime of the wrong type', method: 'POST', path: '/admin/v1/resource-servers', body: { audience: 'https://new.example', scopes: ['x'], accessTokenTtl: '15m' }, status: 400, message: /^accessTokenTtl: / },
    { name: 'a taken audience', method: 'POST', path: '/admin/v1/resource-servers', body: { audience: API, scopes: ['x'] }, status: 409, message: /already exists/ },
    { name: 'an unknown audience in the path', method: 'DELETE', path: `/admin/v1/resource-servers/${encodeURIComponent('https://nowhere.example')}`, status: 404, message: /no resource server/ },
    { name: 'a path audience that is not a URI', method: 'POST', path: '/admin/v1/resource-servers/..%2F..%2Fetc/master-secret', status: 400, message: /absolute URI/ },
    { name: 'an introspector that is not a client id', method: 'PUT', path: `/admin/v1/resource-servers/${encodeURIComponent(API)}`, body: { scopes: ['read'], introspector: '../x' }, status: 400, message: /introspector must be a client id/ },
    { name: 'an unknown rotation option', method: 'POST', path: '/admin/v1/keys/rotate', body: { everything: true }, status: 400, message: /everything/ },
    { name: 'a rotation option of the wrong type', method: 'POST', path: '/admin/v1/keys/rotate', body: { masters: 'yes' }, status: 400, message: /^masters: / },
    { name: 'an audit filter of the wrong type', method: 'GET', path: '/admin/v1/audit?limit=lots', status: 400, message: /^limit: / },
    { name: 'an unknown audit filter', method: 'GET', path: '/admin/v1/audit?password=x', status: 400, message: /password/ },
    { name: 'a repeated audit filter', method: 'GET', path: '/admin/v1/audit?target=a&target=b', status: 400, message: /more than once/ },
    { name: 'a cursor that is not one', method: 'GET', path: '/admin/v1/audit?cursor=..%2F', status: 400, message: /^cursor: / },
    { name: 'a method the endpoint does not answer', method: 'PATCH', path: '/admin/v1/clients/billing', body: { scopes: [] }, status: 405, message: /answers GET, PUT, DELETE only/ },
  ];

  it.each(cases)('$name: $status with a JSON error', async ({ method, path, body, headers, status, message }) => {
    const before = await state();
    const res = await call(s, method, path, token, key, { body, headers });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(typeof res.json?.error).toBe('string');
    expect(String(res.json?.error_description)).toMatch(message);
    expect(leaksInternals(res.text)).toBe(false);
    expect(await state()).toEqual(before);
  });

  it('concurrent updates of what one caller read: one wins, the other is told (412), none half-applied', async () => {
    const read = await call(s, 'GET', '/admin/v1/clients/billing', token, key);
    const etag = read.headers.get('etag')!;
    expect(etag).toBe(`"${String(read.json!.version)}"`);
    const before = await s.t.issuer.db.prisma.adminAudit.count();
    const [a, b] = await Promise.all([
      call(s, 'PUT', '/admin/v1/clients/billing', token, key, { body: { scopes: ['read', 'write'], audiences: [API] }, headers: { 'if-match': etag } }),
      call(s, 'PUT', '/admin/v1/clients/billing', token, key, { body: { scopes: [], audiences: [API] }, headers: { 'if-match': etag } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const winner = a.status === 200 ? a : b;
    const now = await call(s, 'GET', '/admin/v1/clients/billing', token, key);
    expect(now.json!.scopes).toEqual((winner.json!.client as { scopes: string[] }).scopes);
    expect(await s.t.issuer.db.prisma.adminAudit.count()).toBe(before + 1);
  });
});
