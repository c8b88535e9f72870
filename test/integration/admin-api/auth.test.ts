/**
 * Who may call the admin API: a client's own token for the admin audience, bound to a
 * DPoP key (or certificate) unless ADMIN_BEARER_CLIENTS allows that client plain bearer
 * tokens, with the scope each operation needs. Every refusal is a 401/403 with the
 * RFC 6750 §3 / RFC 9449 §7.1 challenge, and changes nothing.
 */
import { cliActor, createClient } from '../../../src/admin/index.js';
import { dpopKey, type DpopKey } from '../../support/binding.js';
import { addAdminClient, API, call, startWithAdmin, tokenFor, type AdminSetup } from './support.js';

let s: AdminSetup;
let key: DpopKey;
let opsToken: string;

beforeAll(async () => {
  s = await startWithAdmin({ ADMIN_BEARER_CLIENTS: 'ci-bot', THROTTLE_ADMIN_FAILURES: 'ip=1000/5m' });
  key = await dpopKey();
  opsToken = await tokenFor(s, 'ops', s.secret, 'admin:read admin:write', key);
});

afterAll(async () => { await s.t.close(); });

async function auditCount(): Promise<number> {
  return s.t.issuer.db.prisma.adminAudit.count();
}

describe('admin API authentication', () => {
  it('answers the bootstrapped client with a DPoP-bound token', async () => {
    const res = await call(s, 'GET', '/admin/v1/clients', opsToken, key);
    expect(res.status).toBe(200);
    expect((res.json!.clients as Array<{ id: string }>).map((c) => c.id)).toContain('ops');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).not.toContain('pcs1$'); // the stored secret hash never leaves
    expect(res.text).not.toMatch(/"client_secret"/);
  });

  it('no token: 401 with a bare challenge (RFC 6750 §3.1)', async () => {
    const res = await call(s, 'GET', '/admin/v1/clients', undefined, undefined);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${s.t.url}"`);
  });

  it('a DPoP-bound token sent as Bearer: 401 with a DPoP challenge', async () => {
    const res = await call(s, 'GET', '/admin/v1/clients', opsToken, undefined, { scheme: 'Bearer' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_token"/);
  });

  it('a proof made for another URL or by another key: 401 invalid_token', async () => {
    expect((await call(s, 'GET', '/admin/v1/clients', opsToken, key, { htu: `${s.t.url}/admin/v1/audit` })).status).toBe(401);
    expect((await call(s, 'GET', '/admin/v1/clients', opsToken, await dpopKey())).headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_token"/);
  });

  it('an unbound token of a client not allowed bearer: 401 asking for DPoP', async () => {
    const secret = await addAdminClient(s, 'plain-bot', ['admin:read'], false);
    const token = await tokenFor(s, 'plain-bot', secret, 'admin:read');
    const res = await call(s, 'GET', '/admin/v1/clients', token, undefined);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^DPoP realm=".*", error="invalid_token", error_description="the admin API takes sender-constrained tokens \(DPoP or mTLS\)", algs="/);
  });

  it('an unbound token of a client in ADMIN_BEARER_CLIENTS: accepted', async () => {
    const secret = await addAdminClient(s, 'ci-bot', ['admin:read'], false);
    const token = await tokenFor(s, 'ci-bot', secret, 'admin:read');
    expect((await call(s, 'GET', '/admin/v1/clients', token, undefined)).status).toBe(200);
  });

  it('a token for another audience: 401, even with the right client and key', async () => {
    const both = await createClient(s.deps, cliActor(), { id: 'two-audiences', scopes: ['read', 'admin:read'], audiences: [API, `${s.t.url}/admin`], binding: { dpopBound: true } });
    const apiToken = await tokenFor(s, 'two-audiences', both.secret, 'read', key, API);
    const res = await call(s, 'GET', '/admin/v1/clients', apiToken, key);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('a read-only token may read but not write: 403 insufficient_scope naming admin:write, nothing written', async () => {
    const secret = await addAdminClient(s, 'auditor', ['admin:read'], true);
    const token = await tokenFor(s, 'auditor', secret, 'admin:read', key);
    expect((await call(s, 'GET', '/admin/v1/audit', token, key)).status).toBe(200);
    const before = await auditCount();
    for (const [method, path, body] of [['POST', '/admin/v1/clients', { id: 'sneaky', scopes: ['read'], audiences: [API] }], ['DELETE', '/admin/v1/clients/ops', undefined], ['POST', '/admin/v1/clients/ops/secret', undefined]] as const) {
      const res = await call(s, method, path, token, key, body ? { body } : {});
      expect(res.status).toBe(403);
      expect(res.json!.error).toBe('insufficient_scope');
      expect(res.headers.get('www-authenticate')).toMatch(/^DPoP .*error="insufficient_scope".*scope="admin:write"/);
    }
    expect(await auditCount()).toBe(before);
    expect(await s.deps.db.prisma.client.findUnique({ where: { id: 'sneaky' } })).toBeNull();
  });

  it('a write-only token may not read (each operation checks its own scope)', async () => {
    const secret = await addAdminClient(s, 'writer', ['admin:write'], true);
    const token = await tokenFor(s, 'writer', secret, 'admin:write', key);
    const res = await call(s, 'GET', '/admin/v1/audit', token, key);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(/scope="admin:read"/);
  });
});

describe('admin API throttle', () => {
  it('refuses over THROTTLE_ADMIN with 429 and Retry-After', async () => {
    const limited = await startWithAdmin({ THROTTLE_ADMIN: 'ip=3/1m' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await call(limited, 'GET', '/admin/v1/clients', undefined, undefined)).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const last = await call(limited, 'GET', '/admin/openapi.json', undefined, undefined);
      expect(last.status).toBe(429);
      expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.t.close();
    }
  });
});
