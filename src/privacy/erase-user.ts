/**
 * The right to erasure: removes a user and everything held about them. Tokens stop
 * first (key generation bump, grants and sessions revoked and deleted, as `user
 * revoke`), then fingerprint profiles (their changes cascade), role assignments,
 * permission change records, delivered or failed security events about the user, and
 * the user row. Pending security events are kept until delivered (they tell resource
 * servers to stop the user's tokens) and go with EVENT_RETENTION; they name the user
 * only by the pseudonymous handle, or by id for receivers allowed to see ids.
 */
import { revokeUser } from '../users/index.js';
import type { RevocationService } from '../revocation/index.js';
import { eventsAbout, type PrivacyDeps } from './export-user.js';
import { subjectHandle } from '../keys/index.js';

export interface ErasedUser { profiles: number; roles: number; permissionChanges: number; events: number; grants: number; sessions: number; generation: number }

/** Erases the user; undefined when there is no such user. */
export async function eraseUser(deps: PrivacyDeps & { revocation: RevocationService }, userId: string, keepRevocationsUntil: Date): Promise<ErasedUser | undefined> {
  const { prisma } = deps.db;
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) return undefined;
  const revoked = await revokeUser(deps, user.id, keepRevocationsUntil);
  const finished = (await eventsAbout(deps.db, user.id, subjectHandle(deps.handlePepper, user.id))).filter((e) => e.status !== 'pending').map((e) => e.jti);
  const [profiles, roles, changes, events] = await prisma.$transaction([
    prisma.fingerprintProfile.deleteMany({ where: { userId: user.id } }),
    prisma.roleAssignment.deleteMany({ where: { kind: 'user', subject: user.id } }),
    prisma.permissionChange.deleteMany({ where: { kind: 'user', subject: user.id } }),
    prisma.securityEvent.deleteMany({ where: { jti: { in: finished } } }),
    prisma.oidcPayload.deleteMany({ where: { payload: { path: ['accountId'], equals: user.id } } }),
    prisma.user.delete({ where: { id: user.id } }),
  ]);
  return { profiles: profiles.count, roles: roles.count, permissionChanges: changes.count, events: events.count, grants: revoked.grants, sessions: revoked.sessions, generation: revoked.generation };
}
