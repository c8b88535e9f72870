import type { Database } from '../storage/index.js';

/**
 * The revocation row recording a removal (revocation's clientKey / audienceKey), for
 * the transaction that removes the record. Written again on a later removal of a
 * re-registered id, which moves `revokedAt` forward.
 */
export function removalRow(db: Database, key: string, keepUntil: Date) {
  const revokedAt = new Date();
  return db.prisma.revocation.upsert({ where: { jti: key }, create: { jti: key, expiresAt: keepUntil, revokedAt }, update: { expiresAt: keepUntil, revokedAt } });
}
