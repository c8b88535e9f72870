/**
 * `events.sweep`: queues push delivery of every pending pushed event. Jobs are deduped
 * by event id and the push processor skips finished rows, so sweeping an event that
 * is already queued costs nothing. This is how events stored by another process
 * without a queue (the admin CLI in embedded mode) or left by a restart get delivered.
 */
import type { Database } from '../../storage/index.js';
import type { JobQueue, Processor } from '../processor.js';

/** Creates the processor. */
export function sweepEventsProcessor(deps: { db: Database; queue: JobQueue }): Processor<'events.sweep'> {
  return async () => {
    const rows = await deps.db.prisma.securityEvent.findMany({
      where: { status: 'pending', receiverId: { in: await pushReceivers(deps.db) } }, select: { jti: true }, orderBy: { createdAt: 'asc' }, take: 10_000,
    });
    await deps.queue.add('event.push', rows.map((r) => ({ payload: { jti: r.jti }, jobId: r.jti })));
  };
}

async function pushReceivers(db: Database): Promise<string[]> {
  return (await db.prisma.eventReceiver.findMany({ where: { delivery: 'push' }, select: { id: true } })).map((r) => r.id);
}
