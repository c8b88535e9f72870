/**
 * `user unlock` (admin CLI): ends a person's risk lockout and records an override in the
 * event log, so the share of lockouts that were false positives can be measured. The
 * admin names the person; only their subject key is looked up and written.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../storage/index.js';
import { personLockout, unfamiliarSubject, type SubjectKeys } from './subject-keys.js';

/** True when a running lockout of the name was ended. */
export async function unlockUser(db: Database, keys: SubjectKeys, username: string, by: string, now = new Date()): Promise<boolean> {
  const subjectKey = keys.ofName(username);
  // both sides: from familiar places and from elsewhere (docs/lockout.md)
  const ended = await end(db, personLockout(subjectKey), now, { subjectKey, details: { by } });
  return await end(db, personLockout(unfamiliarSubject(subjectKey)), now, { subjectKey, details: { by, side: 'unfamiliar' } }) || ended;
}

/** True when a running lockout of the client was ended (`client unlock`). */
export async function unlockClient(db: Database, clientId: string, by: string, now = new Date()): Promise<boolean> {
  return end(db, `client:${clientId}`, now, { clientId, details: { by } });
}

async function end(db: Database, key: string, now: Date, row: { subjectKey?: string; clientId?: string; details: object }): Promise<boolean> {
  const { count } = await db.prisma.riskLockout.updateMany({ where: { key, until: { gt: now } }, data: { until: now, updatedAt: now } });
  if (count === 0) return false;
  await db.prisma.riskEvent.create({ data: { id: randomUUID(), at: now, kind: 'override', name: 'unlock', ...row } });
  return true;
}
