/**
 * The `permissions` claim over real HTTP, with openid-client as the client: a
 * client_credentials token carries exactly (granted through roles) ∩ (granted scope),
 * introspection returns the same list, and role or assignment changes reach new
 * tokens within the issuer's one-second grant cache, each change recorded.
 */
import * as client from 'openid-client';
import { addRole, assignRole, grantToRole, listChanges, removeRole, revokeFromRole, unassignRole } from '../../../src/authz/index.js';
import { startTestIssuer, serverErrors, type TestIssuer } from '../../support/issuer.js';
import { discover } from '../../support/clients.js';
import { testClock } from '../../support/clock.js';

const API = 'https://api.authz.test';
const CACHE_MS = 1000;
const clock = testClock();
let t: TestIssuer;
let config: client.Configuration;
let other: client.Configuration;

beforeAll(async () => {
  t = await startTestIssuer({}, { now: clock.now });
  await t.addResource({ audience: API, scopes: ['invoices', 'invoices:read', 'reports', 'reports:read', 'admin'] });
  config = await discover(t.url, 'svc', await t.addClient({ id: 'svc', scopes: ['invoices', 'invoices:read', 'reports', 'reports:read', 'admin'], audiences: [API] }));
  other = await discover(t.url, 'bystander', await t.addClient({ id: 'bystander', scopes: ['invoices', 'reports'], audiences: [API] }));
  await addRole(t.issuer.db, 'clerk', ['invoices:read', 'invoices:write', 'reports:read']);
  await addRole(t.issuer.db, 'auditor', ['reports:read', 'reports:export', 'audit:read']);
  await assignRole(t.issuer.db, { kind: 'client', id: 'svc' }, 'clerk');
});

afterAll(async () => {
  expect(serverErrors(t.logs)).toEqual([]);
  await t?.close();
});

/** Moves the issuer's clock past its grant cache, so the next token reads the database. */
const pastCache = () => clock.advance(CACHE_MS + 1);

async function tokenFor(scope: string, as = config) {
  const res = await client.clientCredentialsGrant(as, { resource: API, scope });
  const opened = await t.issuer.tokens.open(res.access_token);
  return { res, claims: opened!.claims, introspected: await client.tokenIntrospection(as, res.access_token) };
}

describe('a client_credentials token carries exactly granted ∩ scope', () => {
  it.each([
    ['invoices:read', ['invoices:read']],
    ['invoices', ['invoices:read', 'invoices:write']],
    ['invoices reports:read', ['invoices:read', 'invoices:write', 'reports:read']],
    ['reports', ['reports:read']],
    ['admin', []],
  ])('scope "%s" gives %j', async (scope, expected) => {
    const { claims, introspected } = await tokenFor(scope);
    expect(claims.permissions).toEqual(expected);
    expect(introspected.permissions).toEqual(expected);
    expect(introspected.scope).toBe(scope);
  });

  it('a client holding no role gets an empty list, whatever the scope', async () => {
    const { claims } = await tokenFor('invoices reports', other);
    expect(claims.permissions).toEqual([]);
  });

  it('a scope the resource server does not know is refused, and grants nothing', async () => {
    await expect(client.clientCredentialsGrant(config, { resource: API, scope: 'audit' })).rejects.toMatchObject({ error: 'invalid_scope' });
  });
});

describe('changes reach new tokens within the cache time, and are recorded', () => {
  const svc = { kind: 'client' as const, id: 'svc' };

  it('assigning a role adds its permissions (within scope) to the next token', async () => {
    const before = (await tokenFor('reports')).claims.permissions;
    expect(before).toEqual(['reports:read']);
    await assignRole(t.issuer.db, svc, 'auditor');
    clock.advance(CACHE_MS - 1);
    expect((await tokenFor('reports')).claims.permissions).toEqual(['reports:read']); // still the remembered grants
    await pastCache();
    expect((await tokenFor('reports')).claims.permissions).toEqual(['reports:export', 'reports:read']);
    // audit:read is granted but outside every scope the client can get
    expect((await tokenFor('reports invoices admin')).claims.permissions).not.toContain('audit:read');
  });

  it('granting and revoking permissions on a role changes the next token', async () => {
    await grantToRole(t.issuer.db, 'clerk', ['invoices:approve']);
    await pastCache();
    expect((await tokenFor('invoices')).claims.permissions).toEqual(['invoices:approve', 'invoices:read', 'invoices:write']);
    await revokeFromRole(t.issuer.db, 'clerk', ['invoices:write', 'invoices:approve']);
    await pastCache();
    expect((await tokenFor('invoices')).claims.permissions).toEqual(['invoices:read']);
  });

  it('unassigning and removing roles empties the next token', async () => {
    await unassignRole(t.issuer.db, svc, 'auditor');
    await pastCache();
    expect((await tokenFor('reports')).claims.permissions).toEqual(['reports:read']);
    await removeRole(t.issuer.db, 'clerk');
    await pastCache();
    expect((await tokenFor('invoices reports')).claims.permissions).toEqual([]);
  });

  it('tokens issued before a change keep the claims they were issued with', async () => {
    await addRole(t.issuer.db, 'reader', ['invoices:read']);
    await assignRole(t.issuer.db, svc, 'reader');
    await pastCache();
    const { res } = await tokenFor('invoices');
    await removeRole(t.issuer.db, 'reader');
    const opened = await t.issuer.tokens.open(res.access_token);
    expect(opened!.claims.permissions).toEqual(['invoices:read']);
  });

  it('every change is one PermissionChange row per affected subject, in order', async () => {
    const changes = (await listChanges(t.issuer.db)).map((c) => [c.kind, c.subject, c.change, c.detail.role]);
    expect(changes).toEqual([
      ['role', 'clerk', 'role.added', 'clerk'],
      ['role', 'auditor', 'role.added', 'auditor'],
      ['client', 'svc', 'role.assigned', 'clerk'],
      ['client', 'svc', 'role.assigned', 'auditor'],
      ['client', 'svc', 'role.granted', 'clerk'],
      ['client', 'svc', 'role.revoked', 'clerk'],
      ['client', 'svc', 'role.unassigned', 'auditor'],
      ['client', 'svc', 'role.removed', 'clerk'],
      ['role', 'reader', 'role.added', 'reader'],
      ['client', 'svc', 'role.assigned', 'reader'],
      ['client', 'svc', 'role.removed', 'reader'],
    ]);
  });
});
