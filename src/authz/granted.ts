/**
 * What a subject is granted: the union of the permissions of every role it holds,
 * plus any direct permissions the caller passes (a user's own grants, from the user
 * registry). One query per subject.
 */
import type { Database } from '../storage/index.js';
import { splitPermissions } from './permission.js';
import type { Subject } from './subject.js';

/** The subject's granted permissions (unnarrowed), without duplicates. */
export async function grantedPermissions(db: Database, subject: Subject, direct: Iterable<string> = []): Promise<string[]> {
  const rows = await db.prisma.roleAssignment.findMany({ where: { kind: subject.kind, subject: subject.id }, select: { role: { select: { permissions: true } } } });
  const all = new Set(direct);
  for (const row of rows) for (const p of splitPermissions(row.role.permissions)) all.add(p);
  return [...all];
}
