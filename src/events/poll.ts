/**
 * Poll delivery (RFC 8936): a receiver acknowledges what it processed (`ack`), reports
 * SETs it refused (`setErrs`), and gets its next pending SETs, signed now. Unacknowledged
 * SETs are offered again on the next poll (at-least-once; the receiver dedupes by jti).
 */
import type { KeyStore } from '../keys/index.js';
import type { Database } from '../storage/index.js';
import type { SetPayload } from './build-payload.js';
import { signSet } from './sign-set.js';

export interface PollRequest {
  maxEvents?: number;
  ack?: string[];
  setErrs?: Record<string, { err: string; description?: string }>;
}

export interface PollResponse { sets: Record<string, string>; moreAvailable: boolean }

const DEFAULT_MAX = 100;

/** Applies acknowledgements and errors, then returns the next pending SETs of `receiverIds`. */
export async function pollEvents(deps: { db: Database; keys: Pick<KeyStore, 'signingKey'>; now?: Date }, receiverIds: string[], req: PollRequest): Promise<PollResponse> {
  const now = deps.now ?? new Date();
  const mine = { receiverId: { in: receiverIds }, status: 'pending' };
  if (req.ack?.length) {
    await deps.db.prisma.securityEvent.updateMany({ where: { ...mine, jti: { in: req.ack } }, data: { status: 'delivered', finishedAt: now } });
  }
  for (const [jti, e] of Object.entries(req.setErrs ?? {})) {
    await deps.db.prisma.securityEvent.updateMany({ where: { ...mine, jti }, data: { status: 'failed', finishedAt: now, lastError: `rejected: ${e.err}${e.description ? `: ${e.description}` : ''}`.slice(0, 500) } });
  }
  const max = req.maxEvents ?? DEFAULT_MAX;
  if (max === 0) return { sets: {}, moreAvailable: (await deps.db.prisma.securityEvent.count({ where: mine })) > 0 };
  const rows = await deps.db.prisma.securityEvent.findMany({ where: mine, orderBy: { createdAt: 'asc' }, take: max + 1 });
  const key = deps.keys.signingKey();
  const sets: Record<string, string> = {};
  for (const row of rows.slice(0, max)) sets[row.jti] = await signSet(row.payload as unknown as SetPayload, row.jti, key, now);
  return { sets, moreAvailable: rows.length > max };
}
