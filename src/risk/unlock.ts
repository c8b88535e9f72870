/**
 * `user unlock` (admin CLI): ends a user's risk lockout and records an override in the
 * event log, so the share of lockouts that were false positives can be measured.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../storage/index.js';

/** True when a running lockout of the user was ended. */
export async function unlockUser(db: Database, username: string, by: string, now = new Date()): Promise<boolean> {
  const subject = username.trim().toLowerCase();
  return end(db, `user:${subject}`, now, { subject, details: { by } });
}

/** True when a running lockout of the client was ended (`client unlock`). */
export async function unlockClient(db: Database, clientId: string, by: string, now = new Date()): Promise<boolean> {
  return end(db, `client:${clientId}`, now, { clientId, details: { by } });
}

async function end(db: Database, key: string, now: Date, row: { subject?: string; clientId?: string; details: object }): Promise<boolean> {
  const { count } = await db.prisma.riskLockout.updateMany({ where: { key, until: { gt: now } }, data: { until: now, updatedAt: now } });
  if (count === 0) return false;
  await db.prisma.riskEvent.create({ data: { id: randomUUID(), at: now, kind: 'override', name: 'unlock', ...row } });
  return true;
}
