/**
 * Roles: named permission sets. Each change runs in one serializable transaction
 * together with its change records, so a change is either wholly stored and
 * recorded, or not at all. Misuse (bad names, unknown roles) throws TypeError.
 */
import type { Database } from '../storage/index.js';
import { recordChange, serializable, type AuthzTx, type ChangeName } from './changes.js';
import { permissionsProblem, splitPermissions } from './permission.js';
import { roleNameProblem } from './role-name.js';
import type { Subject, SubjectKind } from './subject.js';

export interface RoleRecord { name: string; permissions: string[]; holders: Subject[] }

function check(name: string, permissions: string[]): void {
  const problem = roleNameProblem(name) ?? permissionsProblem(permissions);
  if (problem) throw new TypeError(problem);
}

async function holders(tx: AuthzTx, name: string): Promise<Subject[]> {
  const rows = await tx.roleAssignment.findMany({ where: { roleName: name }, orderBy: [{ kind: 'asc' }, { subject: 'asc' }] });
  return rows.map((r) => ({ kind: r.kind as SubjectKind, id: r.subject }));
}

async function existing(tx: AuthzTx, name: string): Promise<string[]> {
  const role = await tx.role.findUnique({ where: { name } });
  if (!role) throw new TypeError(`no role ${name}`);
  return splitPermissions(role.permissions);
}

/** Creates a role; fails when it exists (use grantToRole to extend one). */
export async function addRole(db: Database, name: string, permissions: string[]): Promise<void> {
  check(name, permissions);
  await serializable(db, async (tx) => {
    if (await tx.role.findUnique({ where: { name } })) throw new TypeError(`role ${name} exists (use role grant to add permissions)`);
    await tx.role.create({ data: { name, permissions: [...new Set(permissions)].join(' ') } });
    await recordChange(tx, 'role.added', [], { role: name, permissions });
  });
}

/** Adds permissions to a role; returns its permissions afterwards. */
export function grantToRole(db: Database, name: string, permissions: string[]): Promise<string[]> {
  return updateRole(db, name, permissions, 'role.granted', (held) => [...new Set([...held, ...permissions])]);
}

/** Removes permissions from a role; returns its permissions afterwards. */
export function revokeFromRole(db: Database, name: string, permissions: string[]): Promise<string[]> {
  const gone = new Set(permissions);
  return updateRole(db, name, permissions, 'role.revoked', (held) => held.filter((p) => !gone.has(p)));
}

async function updateRole(db: Database, name: string, permissions: string[], change: ChangeName, next: (held: string[]) => string[]): Promise<string[]> {
  check(name, permissions);
  if (!permissions.length) throw new TypeError('give at least one permission');
  return serializable(db, async (tx) => {
    const before = await existing(tx, name);
    const after = next(before);
    if (after.join(' ') === before.join(' ')) return after; // nothing changed: nothing to record
    await tx.role.update({ where: { name }, data: { permissions: after.join(' ') } });
    await recordChange(tx, change, await holders(tx, name), { role: name, permissions });
    return after;
  });
}

/** Deletes a role and every assignment of it; returns the subjects who held it. */
export async function removeRole(db: Database, name: string): Promise<Subject[]> {
  check(name, []);
  return serializable(db, async (tx) => {
    const permissions = await existing(tx, name);
    const affected = await holders(tx, name);
    await tx.role.delete({ where: { name } });
    await recordChange(tx, 'role.removed', affected, { role: name, permissions });
    return affected;
  });
}

/** Every role with its permissions and holders, by name. */
export async function listRoles(db: Database): Promise<RoleRecord[]> {
  const rows = await db.prisma.role.findMany({ orderBy: { name: 'asc' }, include: { assignments: { orderBy: [{ kind: 'asc' }, { subject: 'asc' }] } } });
  return rows.map((r) => ({
    name: r.name,
    permissions: splitPermissions(r.permissions),
    holders: r.assignments.map((a) => ({ kind: a.kind as SubjectKind, id: a.subject })),
  }));
}
