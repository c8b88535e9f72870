/**
 * `user revoke`: everything a user holds stops at once. The subject's key generation
 * is bumped (every access token sealed under the old one stops opening), and every
 * grant and session oidc-provider stored for the user is deleted with its refresh
 * tokens and codes, the grants also recorded as revoked in case a token outlives them.
 */
import { subjectHandle } from '../keys/index.js';
import type { RevocationService } from '../revocation/index.js';
import type { Database } from '../storage/index.js';

export interface RevokedUser { generation: number; grants: number; sessions: number }

/** Revokes all of one user's tokens, grants and sessions. */
export async function revokeUser(
  deps: { db: Database; revocation: RevocationService; handlePepper: Uint8Array },
  userId: string,
  keepUntil: Date,
): Promise<RevokedUser> {
  const { prisma } = deps.db;
  const generation = await deps.revocation.bumpSubject(subjectHandle(deps.handlePepper, userId));
  const owned = (model: string) => ({ model, payload: { path: ['accountId'], equals: userId } });
  const grants = (await prisma.oidcPayload.findMany({ where: owned('Grant'), select: { id: true } })).map((g) => g.id);
  for (const gid of grants) await deps.revocation.revokeGrant(gid, keepUntil);
  await prisma.oidcPayload.deleteMany({ where: { OR: [{ grantId: { in: grants } }, { model: 'Grant', id: { in: grants } }] } });
  const { count: sessions } = await prisma.oidcPayload.deleteMany({ where: owned('Session') });
  return { generation, grants: grants.length, sessions };
}
