/**
 * Subjects whose key generation was bumped (by `subject revoke`, a hook, another
 * branch's code, another process) since the last run: each becomes `subject.revoked`
 * with the new generation. The hook in TokenService callers usually emits it first;
 * this catches bumps made where no emitter runs. Same fact, same event key: no duplicate.
 */
import type { Database } from '../../storage/index.js';
import type { RevalidationEvaluator } from './evaluator.js';

interface State { since: string }

/** Evaluator over SubjectKey.updatedAt. */
export function subjectGenerations(db: Database): RevalidationEvaluator<State> {
  return {
    name: 'subject-generations',
    async evaluate({ now, state }) {
      if (!state) return { events: [], state: { since: now.toISOString() } };
      const rows = await db.prisma.subjectKey.findMany({
        where: { updatedAt: { gt: new Date(state.since), lte: now } }, orderBy: { updatedAt: 'asc' }, take: 10_000,
      });
      const since = rows.length ? rows[rows.length - 1].updatedAt.toISOString() : state.since;
      return {
        events: rows.map((r) => ({ type: 'subject.revoked' as const, handle: r.handle, generation: r.generation, initiator: 'system' as const })),
        state: { since },
      };
    },
  };
}
