/**
 * Role assignments to subjects. A client must be registered to be assigned a role;
 * user ids are taken as given until the user registry exists on this branch (the
 * user work adds the same existence check for users).
 */
import type { Database } from '../storage/index.js';
import { recordChange, serializable, type AuthzTx } from './changes.js';
import { roleNameProblem } from './role-name.js';
import { subjectProblem, type Subject } from './subject.js';

async function checkBoth(tx: AuthzTx, subject: Subject, role: string): Promise<string[]> {
  const problem = subjectProblem(subject) ?? roleNameProblem(role);
  if (problem) throw new TypeError(problem);
  const found = await tx.role.findUnique({ where: { name: role } });
  if (!found) throw new TypeError(`no role ${role}`);
  if (subject.kind === 'client' && !await tx.client.findUnique({ where: { id: subject.id } })) throw new TypeError(`no client ${subject.id}`);
  return found.permissions.split(' ').filter(Boolean);
}

/** Gives a subject a role; false when it already held it (nothing recorded then). */
export async function assignRole(db: Database, subject: Subject, role: string): Promise<boolean> {
  return serializable(db, async (tx) => {
    const permissions = await checkBoth(tx, subject, role);
    const key = { kind_subject_roleName: { kind: subject.kind, subject: subject.id, roleName: role } };
    if (await tx.roleAssignment.findUnique({ where: key })) return false;
    await tx.roleAssignment.create({ data: { kind: subject.kind, subject: subject.id, roleName: role } });
    await recordChange(tx, 'role.assigned', [subject], { role, permissions });
    return true;
  });
}

/** Takes a role from a subject; false when it did not hold it. */
export async function unassignRole(db: Database, subject: Subject, role: string): Promise<boolean> {
  const problem = subjectProblem(subject) ?? roleNameProblem(role);
  if (problem) throw new TypeError(problem);
  return serializable(db, async (tx) => {
    const { count } = await tx.roleAssignment.deleteMany({ where: { kind: subject.kind, subject: subject.id, roleName: role } });
    if (count) await recordChange(tx, 'role.unassigned', [subject], { role });
    return count > 0;
  });
}

/**
 * Takes every role from a subject that is going away (a removed client), so a later
 * registration under the same id starts with nothing. Returns the roles it held.
 */
export async function forgetSubject(db: Database, subject: Subject): Promise<string[]> {
  return serializable(db, async (tx) => {
    const held = await tx.roleAssignment.findMany({ where: { kind: subject.kind, subject: subject.id }, orderBy: { roleName: 'asc' } });
    if (!held.length) return [];
    await tx.roleAssignment.deleteMany({ where: { kind: subject.kind, subject: subject.id } });
    for (const { roleName } of held) await recordChange(tx, 'role.unassigned', [subject], { role: roleName });
    return held.map((h) => h.roleName);
  });
}
