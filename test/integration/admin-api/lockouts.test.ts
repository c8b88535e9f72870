/**
 * A client locked out at /token by the throttle (429 after THROTTLE_LOCKOUT_AFTER wrong
 * secrets) is let in again by DELETE /admin/v1/lockouts/clients/:id, which lifts its risk
 * and throttle lockouts alike and is recorded in the audit trail; with nothing to lift it
 * is a 404. The security event log that records such things is paged with a cursor,
 * filtered, and counted.
 */
import { randomUUID } from 'node:crypto';
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

  it('the security event log is paged with a cursor and filtered by client', async () => {
    // as the risk engine writes them (src/risk/event-log.ts): two about billing, one about another client
    for (const [i, clientId] of ['billing', 'billing', 'other'].entries()) {
      await s.t.issuer.db.prisma.riskEvent.create({ data: { id: randomUUID(), at: new Date(Date.now() - i * 1000), kind: 'signal', name: 'dpop_replay', clientId, score: 50 } });
    }
    const first = await call(s, 'GET', '/admin/v1/security-events?client=billing&limit=1', token, key);
    expect(first.status).toBe(200);
    const events = first.json!.events as Array<{ id: string; clientId: string }>;
    expect(events).toHaveLength(1);
    expect(events[0].clientId).toBe('billing');
    const second = await call(s, 'GET', `/admin/v1/security-events?client=billing&limit=1&cursor=${String(first.json!.next)}`, token, key);
    expect((second.json!.events as Array<{ id: string }>)[0].id).not.toBe(events[0].id);
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const stats = await call(s, 'GET', `/admin/v1/security-events/stats?since=${encodeURIComponent(since)}`, token, key);
    expect(stats.status).toBe(200);
    expect((stats.json!.counts as Record<string, number>)['signal.dpop_replay']).toBe(3);
    expect(second.json!.next).toBeUndefined();
    expect((await call(s, 'GET', '/admin/v1/security-events?key=alice', token, key)).status).toBe(400);
  });

  it('needs admin:write', async () => {
    const res = await call(s, 'DELETE', '/admin/v1/lockouts/clients/billing', await tokenFor(s, 'ops', s.secret, 'admin:read', key), key);
    expect(res.status).toBe(403);
  });
});
