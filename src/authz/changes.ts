/**
 * Change records: every change to what a subject is granted writes one
 * PermissionChange row per affected subject, in the same transaction as the change.
 * The continuous-validation work reads them (oldest first, by id) and tells resource
 * servers with `token-claims-change` events. A change to a role nobody holds is
 * recorded once with kind 'role', so no change goes unrecorded.
 */
import type { Database, PrismaClient } from '../storage/index.js';
import type { Subject } from './subject.js';

/** The delegates a transaction offers that authz writes through. */
export type AuthzTx = Pick<PrismaClient, 'role' | 'roleAssignment' | 'permissionChange' | 'client'>;

const ATTEMPTS = 10;

/**
 * Runs an authz write (read, then write) in a serializable transaction, so concurrent
 * admin changes cannot lose one another; a transaction PostgreSQL aborts as a
 * serialization conflict (Prisma P2034) is retried after a short random pause.
 */
export async function serializable<T>(db: Database, work: (tx: AuthzTx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.prisma.$transaction((tx) => work(tx), { isolationLevel: 'Serializable' });
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'P2034' || attempt >= ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
    }
  }
}

/** What changed, by name: `role.<verb>`. */
export type ChangeName = 'role.added' | 'role.granted' | 'role.revoked' | 'role.removed' | 'role.assigned' | 'role.unassigned';

export interface PermissionChangeRecord {
  id: number;
  kind: 'user' | 'client' | 'role';
  subject: string;
  change: ChangeName;
  detail: { role: string; permissions?: string[] };
  createdAt: Date;
}

/** Records one change for each subject (or for the role itself when there is none). */
export async function recordChange(tx: AuthzTx, change: ChangeName, subjects: Subject[], detail: PermissionChangeRecord['detail']): Promise<void> {
  const rows = subjects.length
    ? subjects.map((s) => ({ kind: s.kind, subject: s.id, change, detail }))
    : [{ kind: 'role', subject: detail.role, change, detail }];
  await tx.permissionChange.createMany({ data: rows });
}

/** Change records after the given id (0 for all), oldest first. */
export async function listChanges(db: Database, afterId = 0, take = 1000): Promise<PermissionChangeRecord[]> {
  const rows = await db.prisma.permissionChange.findMany({ where: { id: { gt: afterId } }, orderBy: { id: 'asc' }, take });
  return rows as unknown as PermissionChangeRecord[];
}

/**
 * Deletes change records written before `before` (PERMISSION_CHANGE_RETENTION, the purge
 * job): they name the user a change was about, and continuous validation has long turned
 * them into events by then.
 */
export async function purgeChanges(db: Database, before: Date): Promise<number> {
  return (await db.prisma.permissionChange.deleteMany({ where: { createdAt: { lt: before } } })).count;
}
