/**
 * Clients removed since the last run: a removed client's tokens must stop everywhere,
 * so its subject generation is bumped (the issuer refuses them at once) and
 * `subject.revoked` is emitted (resource servers refuse them locally).
 */
import type { Database } from '../../storage/index.js';
import type { RevalidationEvaluator } from './evaluator.js';

interface State { known: string[] }

export interface SubjectRevoker { revokeSubject(sub: string): Promise<number> }

/** Evaluator comparing the client list with the one seen last time. */
export function removedClients(db: Database, subjects: SubjectRevoker): RevalidationEvaluator<State> {
  return {
    name: 'removed-clients',
    async evaluate({ state }) {
      const current = (await db.prisma.client.findMany({ select: { id: true } })).map((c) => c.id);
      if (!state) return { events: [], state: { known: current } };
      const present = new Set(current);
      const events = [];
      for (const id of state.known.filter((k) => !present.has(k))) {
        const generation = await subjects.revokeSubject(id);
        events.push({ type: 'subject.revoked' as const, sub: id, generation, initiator: 'system' as const, reason: 'client removed' });
      }
      return { events, state: { known: current } };
    },
  };
}
