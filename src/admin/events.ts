/**
 * The security event log (RiskEvent: signals, decisions, admin overrides) as the admin
 * API pages it: newest first, filtered, with a cursor (the id of the last entry of the
 * previous page). Addresses appear only as stored: keyed hash, network, country.
 */
import { riskEventStats, type RiskEventView } from '../risk/index.js';
import type { Database } from '../storage/index.js';
import type { EventQueryInput } from './schemas.js';

/** One page of events and the cursor of the next, absent on the last page. */
export async function listSecurityEvents(db: Database, q: EventQueryInput): Promise<{ events: RiskEventView[]; next?: string }> {
  const rows = await db.prisma.riskEvent.findMany({
    where: {
      ...(q.kind ? { kind: q.kind } : {}), ...(q.name ? { name: q.name } : {}), ...(q.key ? { subjectKey: q.key } : {}),
      ...(q.client ? { clientId: q.client } : {}), ...(q.since ? { at: { gte: new Date(q.since) } } : {}),
    },
    orderBy: [{ at: 'desc' }, { id: 'desc' }], take: q.limit + 1, ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}),
    select: { id: true, at: true, kind: true, name: true, subjectKey: true, clientId: true, ipHash: true, ipCoarse: true, country: true, score: true, decision: true, details: true },
  });
  const page = rows.slice(0, q.limit);
  return rows.length > q.limit ? { events: page, next: page[page.length - 1].id } : { events: page };
}

/** Counts per kind and name since `since`, with the share of lockouts an admin ended. */
export async function securityEventStats(db: Database, since: string) {
  return riskEventStats(db, new Date(since));
}
