/**
 * oidc-provider's rows that belong to a user: sessions, grants, refresh tokens and codes
 * name the account at the top of their payload (`accountId`), sign-ins in progress
 * (Interaction) deeper inside (`session`, `result.login`, `lastSubmission`). Matching the
 * user id anywhere in the payload finds them all, whatever oidc-provider nests where:
 * user ids are random UUIDs, so nothing else contains one by chance.
 */
import type { Database, PrismaClient } from '../storage/index.js';

const OWNED = 'strpos("payload"::text, $1) > 0';

/** The rows (model, payload, expiry). */
export async function ownedOidcRows(db: Database, userId: string): Promise<{ model: string; payload: unknown; expiresAt: Date | null }[]> {
  const keys = await db.prisma.$queryRawUnsafe<{ model: string; id: string }[]>(`SELECT "model", "id" FROM "OidcPayload" WHERE ${OWNED}`, userId);
  if (!keys.length) return [];
  return db.prisma.oidcPayload.findMany({ where: { OR: keys }, select: { model: true, payload: true, expiresAt: true }, orderBy: [{ model: 'asc' }, { expiresAt: 'asc' }] });
}

/** The statement deleting them (to run in the erasure's transaction). */
export function deleteOwnedOidcRows(prisma: PrismaClient, userId: string) {
  return prisma.$executeRawUnsafe(`DELETE FROM "OidcPayload" WHERE ${OWNED}`, userId);
}
