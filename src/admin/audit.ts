/**
 * The admin audit trail (table AdminAudit): every change made through the admin API or
 * the admin CLI, written in the transaction that makes the change, so there is no change
 * without its entry and no entry for a change that rolled back. An entry names the
 * fields a change set, never their values: a secret or a password never reaches it.
 */
import { randomUUID } from 'node:crypto';
import type { Database, PrismaClient } from '../storage/index.js';
import { addressOf, type Actor } from './actor.js';
import type { AuditQuery } from './schemas.js';

export type AuditTx = Pick<PrismaClient, 'adminAudit'>;

export interface Change { operation: string; target: string; fields?: string[] }

export interface AuditEntryView { id: string; at: string; actor: string; operation: string; target: string; fields: string[]; ipHash: string | null; ipCoarse: string | null }

/** Appends one entry for `change` by `actor`; returns it. */
export async function recordChange(tx: AuditTx, pepper: Uint8Array, actor: Actor, change: Change): Promise<AuditEntryView> {
  const row = await tx.adminAudit.create({
    data: { id: randomUUID(), at: new Date(), actor: actor.who, operation: change.operation, target: change.target, fields: [...new Set(change.fields ?? [])].sort(), ...addressOf(actor, pepper) },
  });
  return view(row);
}

/**
 * Entries matching the query, newest first, at most `limit`; `next` is the cursor of the
 * following page (the id of this page's last entry), absent on the last page.
 */
export async function listAudit(db: Database, q: AuditQuery): Promise<{ entries: AuditEntryView[]; next?: string }> {
  const where = {
    ...(q.target ? { target: q.target } : {}), ...(q.operation ? { operation: q.operation } : {}), ...(q.actor ? { actor: q.actor } : {}),
    ...(q.since ? { at: { gte: new Date(q.since) } } : {}),
  };
  const rows = await db.prisma.adminAudit.findMany({
    where, orderBy: [{ at: 'desc' }, { id: 'desc' }], take: q.limit + 1, ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, q.limit).map(view);
  return rows.length > q.limit ? { entries: page, next: page[page.length - 1].id } : { entries: page };
}

/** The `rows.purge` task of ADMIN_AUDIT_RETENTION. */
export function adminAuditPurgeTask(db: Database, retentionSec: number): { name: string; purge(now: Date): Promise<number> } {
  return {
    name: 'admin-audit',
    purge: async (now) => (await db.prisma.adminAudit.deleteMany({ where: { at: { lt: new Date(now.getTime() - retentionSec * 1000) } } })).count,
  };
}

function view(r: { id: string; at: Date; actor: string; operation: string; target: string; fields: unknown; ipHash: string | null; ipCoarse: string | null }): AuditEntryView {
  return { id: r.id, at: r.at.toISOString(), actor: r.actor, operation: r.operation, target: r.target, fields: r.fields as string[], ipHash: r.ipHash, ipCoarse: r.ipCoarse };
}
