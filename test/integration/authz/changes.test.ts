/**
 * Change records against the real database: each stored change writes its
 * PermissionChange rows in the same transaction, a refused change writes nothing,
 * and a change that changes nothing records nothing.
 */
import { addRole, assignRole, grantToRole, listChanges, removeRole, revokeFromRole, unassignRole } from '../../../src/authz/index.js';
import { startTestIssuer, type TestIssuer } from '../../support/issuer.js';

let t: TestIssuer;
beforeAll(async () => {
  t = await startTestIssuer();
  await t.addClient({ id: 'a', scopes: [], audiences: [] });
  await t.addClient({ id: 'b', scopes: [], audiences: [] });
});
afterAll(async () => { await t?.close(); });

const count = async () => (await listChanges(t.issuer.db)).length;

it('a role change is recorded once per holder, with what changed', async () => {
  await addRole(t.issuer.db, 'ops', ['deploy:run']);
  await assignRole(t.issuer.db, { kind: 'client', id: 'a' }, 'ops');
  await assignRole(t.issuer.db, { kind: 'user', id: 'u1' }, 'ops');
  const from = (await listChanges(t.issuer.db)).at(-1)!.id;
  await grantToRole(t.issuer.db, 'ops', ['deploy:rollback']);
  const rows = await listChanges(t.issuer.db, from);
  expect(rows.map((r) => [r.kind, r.subject, r.change, r.detail])).toEqual([
    ['client', 'a', 'role.granted', { role: 'ops', permissions: ['deploy:rollback'] }],
    ['user', 'u1', 'role.granted', { role: 'ops', permissions: ['deploy:rollback'] }],
  ]);
  expect(rows.every((r) => r.createdAt instanceof Date)).toBe(true);
});

it('refused changes store and record nothing', async () => {
  const before = await count();
  await expect(addRole(t.issuer.db, 'ops', ['x'])).rejects.toThrow(TypeError);
  await expect(addRole(t.issuer.db, 'bad name', ['x'])).rejects.toThrow(/role name/);
  await expect(grantToRole(t.issuer.db, 'ops', ['bad:*'])).rejects.toThrow(/invalid permission/);
  await expect(grantToRole(t.issuer.db, 'ghost', ['x'])).rejects.toThrow(/no role ghost/);
  await expect(assignRole(t.issuer.db, { kind: 'client', id: 'ghost' }, 'ops')).rejects.toThrow(/no client ghost/);
  await expect(assignRole(t.issuer.db, { kind: 'robot' as 'user', id: 'r' }, 'ops')).rejects.toThrow(/subject kind/);
  await expect(removeRole(t.issuer.db, 'ghost')).rejects.toThrow(/no role ghost/);
  expect(await count()).toBe(before);
  expect((await t.issuer.db.prisma.role.findUnique({ where: { name: 'ops' } }))?.permissions).toBe('deploy:run deploy:rollback');
});

it('changes that change nothing record nothing', async () => {
  const before = await count();
  expect(await grantToRole(t.issuer.db, 'ops', ['deploy:run'])).toEqual(['deploy:run', 'deploy:rollback']);
  expect(await revokeFromRole(t.issuer.db, 'ops', ['never:held'])).toEqual(['deploy:run', 'deploy:rollback']);
  expect(await assignRole(t.issuer.db, { kind: 'client', id: 'a' }, 'ops')).toBe(false);
  expect(await unassignRole(t.issuer.db, { kind: 'client', id: 'b' }, 'ops')).toBe(false);
  expect(await count()).toBe(before);
});
