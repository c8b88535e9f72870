/**
 * Retention purges of privacy's own concern (GDPR Art. 5(1)(e), storage limitation):
 *   erased-subjects  the key generation rows kept for erased users (SubjectKey with
 *                    `dropAfter`), once the last token they stop has expired
 *   inactive-users   with USER_INACTIVE_RETENTION set, accounts without a sign-in for that
 *                    long and with no live session, grant or refresh token (a browser
 *                    session or a refresh token is use without a new sign-in), erased
 *                    like `user erase`: everything about them goes too
 * Both are `rows.purge` tasks; running them twice is harmless.
 */
import type { EventEmitter } from '../events/index.js';
import { deploymentSecret } from '../keys/index.js';
import type { RevocationService } from '../revocation/index.js';
import { loadSubjectKeys } from '../risk/index.js';
import type { Database } from '../storage/index.js';
import { eraseUser } from './erase-user.js';

export interface PurgeTask { name: string; purge(now: Date): Promise<number> }

/** Erasures per run: a backlog is worked off over a few runs instead of one long one. */
const ERASE_BATCH = 100;

/** Deletes the SubjectKey rows of erased users whose `dropAfter` has passed. */
export function erasedSubjectsPurgeTask(db: Database): PurgeTask {
  return { name: 'erased-subjects', purge: async (now) => (await db.prisma.subjectKey.deleteMany({ where: { dropAfter: { lt: now } } })).count };
}

export interface InactiveUsersDeps {
  db: Database; kek: Uint8Array; revocation: RevocationService; events: Pick<EventEmitter, 'emit'>;
  /** seconds a revocation must outlive the tokens it stops (longest token lifetime + clock tolerance) */
  keepSec(): Promise<number>;
}

/** Erases accounts whose last sign-in (or creation, before the first) is older than `retentionSec`. */
export function inactiveUsersPurgeTask(deps: InactiveUsersDeps, retentionSec: number): PurgeTask {
  return {
    name: 'inactive-users',
    async purge(now) {
      const before = new Date(now.getTime() - retentionSec * 1000);
      const stale = await deps.db.prisma.user.findMany({
        where: { OR: [{ lastSignInAt: { lt: before } }, { lastSignInAt: null, createdAt: { lt: before } }] }, select: { id: true }, take: ERASE_BATCH,
      });
      const idle = await inUse(deps.db, stale.map((u) => u.id), now).then((used) => stale.filter((u) => !used.has(u.id)));
      if (!idle.length) return 0;
      const privacy = { db: deps.db, revocation: deps.revocation, handlePepper: await deploymentSecret(deps.db, deps.kek, 'subject-handle'), keys: await loadSubjectKeys(deps.db, deps.kek), now: () => now };
      const keep = new Date(now.getTime() + (await deps.keepSec()) * 1000);
      let erased = 0;
      for (const { id } of idle) {
        const done = await eraseUser(privacy, id, keep, 'system');
        if (!done) continue; // erased meanwhile by someone else
        erased++;
        await deps.events.emit({ type: 'subject.revoked', sub: id, generation: done.generation, initiator: 'system', reason: 'account inactive past its retention' });
      }
      return erased;
    },
  };
}

/** Which of the users still hold a live session, grant or refresh token. */
async function inUse(db: Database, ids: string[], now: Date): Promise<Set<string>> {
  const live = await Promise.all(ids.map((id) => db.prisma.oidcPayload.findFirst({
    where: { model: { in: ['Session', 'Grant', 'RefreshToken'] }, payload: { path: ['accountId'], equals: id }, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    select: { id: true },
  })));
  return new Set(ids.filter((_, i) => live[i]));
}
