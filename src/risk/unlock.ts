/**
 * `user unlock` (admin CLI): ends a user's risk lockout and records an override in the
 * event log, so the share of lockouts that were false positives can be measured.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../storage/index.js';

/** True when a running lockout was ended. */
export async function unlockUser(db: Database, username: string, by: string, now = new Date()): Promise<boolean> {
  const subject = username.trim().toLowerCase();
  const { count } = await db.prisma.riskLockout.updateMany({ where: { key: `user:${subject}`, until: { gt: now } }, data: { until: now, updatedAt: now } });
  if (count === 0) return false;
  await db.prisma.riskEvent.create({ data: { id: randomUUID(), at: now, kind: 'override', name: 'unlock', subject, details: { by } } });
  return true;
}
