/**
 * openid-client (a certified relying-party library) drives the admin API end to end with
 * DPoP: discovery, a DPoP-bound client_credentials token for the admin audience, then
 * every operation. Afterwards the audit trail holds one entry per change made, naming
 * the admin client, the caller's network and the fields, never a secret.
 */
import * as oidc from 'openid-client';
import { startWithAdmin, API, type AdminSetup } from './support.js';

let s: AdminSetup;
let config: oidc.Configuration;
let dpop: oidc.DPoPHandle;
let token: string;

beforeAll(async () => {
  s = await startWithAdmin();
  config = await oidc.discovery(new URL(s.t.url), 'ops', undefined, oidc.ClientSecretBasic(s.secret), { execute: [oidc.allowInsecureRequests] });
  dpop = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
  const grant = await oidc.clientCredentialsGrant(config, { resource: `${s.t.url}/admin`, scope: 'admin:read admin:write' }, { DPoP: dpop });
  expect(grant.token_type.toLowerCase()).toBe('dpop');
  token = grant.access_token;
});

afterAll(async () => { await s.t.close(); });

async function api(method: string, path: string, body?: object, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown>; etag: string | null }> {
  const h = new Headers(headers);
  if (body) h.set('content-type', 'application/json');
  const res = await oidc.fetchProtectedResource(config, token, new URL(`${s.t.url}${path}`), method, body ? JSON.stringify(body) : undefined, h, { DPoP: dpop });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) as Record<string, unknown> : {}, etag: res.headers.get('etag') };
}

async function clientToken(id: string, secret: string): Promise<number> {
  const res = await fetch(`${s.t.url}/token`, {
    method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
  });
  return res.status;
}

/** Polls `check` until true or `ms` passed. */
async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('the admin API through openid-client with DPoP', () => {
  const secrets: string[] = [];

  it('creates, reads, lists, replaces, re-keys and removes a client', async () => {
    const created = await api('POST', '/admin/v1/clients', { id: 'billing', scopes: ['read'], audiences: [API] });
    expect(created.status).toBe(201);
    const secret = String(created.json.client_secret);
    secrets.push(secret);
    expect(await clientToken('billing', secret)).toBe(200);

    const listed = await api('GET', '/admin/v1/clients');
    expect((listed.json.clients as Array<{ id: string }>).map((c) => c.id)).toEqual(['billing', 'ops']);

    const read = await api('GET', '/admin/v1/clients/billing');
    expect(read.json).toMatchObject({ id: 'billing', scopes: ['read'], audiences: [API], grants: ['client_credentials'] });
    const replaced = await api('PUT', '/admin/v1/clients/billing', { scopes: ['read', 'write'], audiences: [API], grants: ['client_credentials'] }, { 'if-match': read.etag! });
    expect(replaced.status).toBe(200);
    expect(replaced.json.client).toMatchObject({ scopes: ['read', 'write'], dpopBound: false });
    expect(replaced.json.client_secret).toBeUndefined(); // the secret was kept

    const rotated = await api('POST', '/admin/v1/clients/billing/secret');
    expect(rotated.status).toBe(200);
    secrets.push(String(rotated.json.client_secret));
    // every process reloads client records within a second (registry changes; removals are immediate)
    expect(await within(3000, async () => (await clientToken('billing', secret)) === 401)).toBe(true);
    expect(await clientToken('billing', secrets[1])).toBe(200);

    expect((await api('DELETE', '/admin/v1/clients/billing')).status).toBe(204);
    expect((await api('GET', '/admin/v1/clients/billing')).status).toBe(404);
  });

  it('creates, reads, lists, replaces, re-keys and removes a resource server', async () => {
    const audience = 'https://ledger.example/api';
    const path = `/admin/v1/resource-servers/${encodeURIComponent(audience)}`;
    const created = await api('POST', '/admin/v1/resource-servers', { audience, scopes: ['entries'], accessTokenTtl: 120 });
    expect(created.status).toBe(201);
    expect(created.json.resourceServer).toEqual({ audience, scopes: ['entries'], accessTokenTtl: 120, introspector: null, name: null, scopeDescriptions: {} });
    expect(String(created.json.opening_secret)).toMatch(/^pcm1\.0\./);
    secrets.push(String(created.json.opening_secret));
    expect(((await api('GET', '/admin/v1/resource-servers')).json.resourceServers as Array<{ audience: string }>).map((r) => r.audience)).toContain(audience);
    expect((await api('GET', path)).json).toMatchObject({ audience, scopes: ['entries'] });
    const replaced = await api('PUT', path, { scopes: ['entries', 'balances'], introspector: 'ops', name: 'Ledger', scopeDescriptions: { entries: 'See your ledger entries' } });
    expect(replaced.json).toEqual({ audience, scopes: ['entries', 'balances'], accessTokenTtl: 900, introspector: 'ops', name: 'Ledger', scopeDescriptions: { entries: 'See your ledger entries' } });
    const rekeyed = await api('POST', `${path}/master-secret`);
    expect(String(rekeyed.json.opening_secret)).toMatch(/^pcm1\.0\./);
    expect(rekeyed.json.opening_secret).not.toBe(created.json.opening_secret);
    secrets.push(String(rekeyed.json.opening_secret));
    expect((await api('DELETE', path)).status).toBe(204);
    expect((await api('GET', path)).status).toBe(404);
    const trail = await api('GET', `/admin/v1/audit?target=${encodeURIComponent(audience)}`);
    expect((trail.json.entries as Array<{ operation: string; fields: string[] }>).map((e) => [e.operation, e.fields])).toEqual([
      ['resource.delete', []], ['resource.rekey', ['masterSecret']], ['resource.update', ['introspector', 'name', 'scopeDescriptions', 'scopes']], ['resource.create', ['accessTokenTtl', 'scopes']],
    ]);
  });

  it('lists keys without key material and rotates them', async () => {
    const before = await api('GET', '/admin/v1/keys');
    const kids = (before.json.signingKeys as Array<{ kid: string; state: string }>);
    expect(kids.map((k) => k.state).sort()).toEqual(['current', 'next']);
    expect(JSON.stringify(before.json)).not.toMatch(/"(?:d|secret|privateKey)"/);
    const rotated = await api('POST', '/admin/v1/keys/rotate', { masters: true });
    expect(rotated.status).toBe(200);
    const signing = rotated.json.signing as { rotated: boolean; current: string };
    expect(signing.rotated).toBe(true);
    expect(signing.current).toBe(kids.find((k) => k.state === 'next')!.kid);
    expect(rotated.json.masters).toEqual(expect.arrayContaining([API, `${s.t.url}/admin`]));
    // tokens issued before still work: the admin token itself is opened with the ratcheted master
    expect((await api('GET', '/admin/v1/keys')).status).toBe(200);
  });

  it('the audit trail holds one entry per change, by client:ops from loopback, without secrets', async () => {
    const first = await api('GET', '/admin/v1/audit?actor=client%3Aops&target=billing&limit=3');
    const second = await api('GET', `/admin/v1/audit?actor=client%3Aops&target=billing&limit=3&cursor=${String(first.json.next)}`);
    expect(second.json.next).toBeUndefined();
    const entries = [...first.json.entries as Array<Record<string, unknown>>, ...second.json.entries as Array<Record<string, unknown>>];
    expect(entries.map((e) => [e.operation, e.target, e.fields])).toEqual([
      ['client.delete', 'billing', []],
      ['client.rotate-secret', 'billing', ['secret']],
      ['client.update', 'billing', ['audiences', 'grants', 'scopes']],
      ['client.create', 'billing', ['audiences', 'scopes']],
    ]);
    for (const e of entries) expect(e).toMatchObject({ actor: 'client:ops', ipCoarse: '127.0.0.0/24' });
    expect(entries.every((e) => typeof e.ipHash === 'string' && String(e.ipHash).length === 22)).toBe(true);
    const rows = await s.t.issuer.db.prisma.adminAudit.findMany();
    expect(rows.filter((r) => r.actor === 'client:ops')).toHaveLength(9); // every change this suite made through the API: four to a client, four to a resource server, one key rotation
    const stored = JSON.stringify(rows);
    for (const secret of secrets) expect(stored).not.toContain(secret);
    expect(stored).not.toContain('pcs1$');
    // the address only as a keyed hash and its network
    for (const r of rows) expect([r.ipHash, r.ipCoarse, r.actor]).not.toContain('127.0.0.1');
  });
});
