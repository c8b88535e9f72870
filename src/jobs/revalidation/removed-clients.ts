/**
 * Clients that vanished from the table since the last run without going through the
 * registry (which records the removal and tells receivers at once, see
 * registry/clients.ts): their subject generation is bumped and `subject.revoked`
 * emitted, as the registry would have.
 */
import { clientKey } from '../../revocation/index.js';
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
      const gone = state.known.filter((k) => !present.has(k));
      const recorded = new Set((await db.prisma.revocation.findMany({ where: { jti: { in: gone.map(clientKey) } }, select: { jti: true } })).map((r) => r.jti));
      for (const id of gone.filter((k) => !recorded.has(clientKey(k)))) {
        const generation = await subjects.revokeSubject(id);
        events.push({ type: 'subject.revoked' as const, sub: id, generation, initiator: 'system' as const, reason: 'client removed' });
      }
      return { events, state: { known: current } };
    },
  };
}
