/**
 * A client locked out at /token by the throttle (429 after THROTTLE_LOCKOUT_AFTER wrong
 * secrets) is let in again by DELETE /admin/v1/lockouts/clients/:id, which lifts its risk
 * and throttle lockouts alike and is recorded in the audit trail; with nothing to lift it
 * is a 404, and `client unlock` at the CLI says where a throttle lockout is lifted.
 */
import { dpopKey, type DpopKey } from '../../support/binding.js';
import { basic, post } from '../../support/clients.js';
import { API, call, startWithAdmin, tokenFor, type AdminSetup } from './support.js';

let s: AdminSetup;
let key: DpopKey;
let token: string;
let secret: string;

beforeAll(async () => {
  s = await startWithAdmin({ THROTTLE_LOCKOUT_AFTER: '3', THROTTLE_LOCKOUT_FIRST: '10m', THROTTLE_LOCKOUT_MAX: '1h' });
  key = await dpopKey();
  token = await tokenFor(s, 'ops', s.secret, 'admin:read admin:write', key);
  const created = await call(s, 'POST', '/admin/v1/clients', token, key, { body: { id: 'billing', scopes: ['read'], audiences: [API] } });
  secret = String(created.json!.client_secret);
});

afterAll(async () => { await s.t.close(); });

const tokenStatus = async (pass: string) =>
  (await post(`${s.t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }), basic('billing', pass))).status;

describe('lifting a client lockout through the admin API', () => {
  it('nothing to lift: 404, no audit entry', async () => {
    const res = await call(s, 'DELETE', '/admin/v1/lockouts/clients/billing', token, key);
    expect(res.status).toBe(404);
    expect(res.json!.error_description).toBe('client billing is not locked out');
    expect(await s.t.issuer.db.prisma.adminAudit.count({ where: { operation: 'lockout.lift' } })).toBe(0);
  });

  it('a throttle lockout (429 at /token) is lifted, and recorded', async () => {
    for (let i = 0; i < 3; i++) expect(await tokenStatus('wrong-secret-wrong-secret-wrong-secret')).toBe(401);
    expect(await tokenStatus(secret)).toBe(429);
    const res = await call(s, 'DELETE', '/admin/v1/lockouts/clients/billing', token, key);
    expect(res.status).toBe(200);
    expect(res.json!.throttle).toBeGreaterThanOrEqual(1);
    expect(await tokenStatus(secret)).toBe(200);
    const trail = await call(s, 'GET', '/admin/v1/audit?operation=lockout.lift', token, key);
    expect((trail.json!.entries as Array<{ target: string; actor: string; fields: string[] }>).map((e) => [e.target, e.actor, e.fields.includes('throttle')])).toEqual([['billing', 'client:ops', true]]);
  });

  it('needs admin:write', async () => {
    const res = await call(s, 'DELETE', '/admin/v1/lockouts/clients/billing', await tokenFor(s, 'ops', s.secret, 'admin:read', key), key);
    expect(res.status).toBe(403);
  });
});
