/**
 * The privacy audit (table PrivacyAudit): who looked a person up by name, exported or
 * erased their data, and when (GDPR Art. 5(2): the operator must be able to show how
 * personal data was handled). Entries name the person only by their subject key, and
 * lose even that when the person is erased; the entry of an erasure never has one, so
 * the fact that an erasure happened is kept without anything that links it to them.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../storage/index.js';

/** What was done: a look-up by name (`events list --subject`), an export, an erasure. */
export type AuditAction = 'risk.lookup' | 'user.exported' | 'user.erased';
/** Who did it: an admin at the CLI, the person themself (/me/data), or a job (retention). */
export type AuditActor = 'admin' | 'user' | 'system';

export interface AuditEntry { action: AuditAction; actor: AuditActor; subjectKey?: string; details?: Record<string, unknown>; at?: Date }

/** Appends one entry. */
export async function recordAudit(db: Database, e: AuditEntry): Promise<void> {
  await db.prisma.privacyAudit.create({
    data: { id: randomUUID(), at: e.at ?? new Date(), action: e.action, actor: e.actor, subjectKey: e.subjectKey ?? null, details: (e.details ?? {}) as object },
  });
}

/** Entries about any of `subjectKeys`, oldest first (part of the person's export: who accessed their data). */
export async function auditAbout(db: Database, subjectKeys: string[]) {
  return db.prisma.privacyAudit.findMany({ where: { subjectKey: { in: subjectKeys } }, orderBy: { at: 'asc' }, select: { at: true, action: true, actor: true } });
}

/** The `rows.purge` task of PRIVACY_AUDIT_RETENTION. */
export function auditPurgeTask(db: Database, retentionSec: number): { name: string; purge(now: Date): Promise<number> } {
  return {
    name: 'privacy-audit',
    purge: async (now) => (await db.prisma.privacyAudit.deleteMany({ where: { at: { lt: new Date(now.getTime() - retentionSec * 1000) } } })).count,
  };
}
