/**
 * The right to erasure (GDPR Art. 17): removes a user and everything held about them.
 * Tokens stop first (key generation bump, grants and sessions revoked and deleted, as
 * `user revoke`); then, in one transaction, every row keyed by the person: devices
 * (fingerprint profiles, their changes cascade), role assignments, permission change
 * records, security events about them (pending ones too: the subject.revoked event the
 * caller emits next supersedes them), oidc-provider rows (sessions, grants, refresh
 * tokens, codes, sign-ins in progress), the risk engine's events, lockouts and step-up
 * requirements, the familiar devices and networks of the login form, pending password
 * reset links, second-factor recovery codes, the devices list, and the user row. The privacy audit keeps its entries about them without
 * their key, and gains one saying an erasure happened, naming no one.
 *
 * Kept, because tokens issued before may still be presented until they expire: the
 * subject's key generation (SubjectKey, by its handle, with `dropAfter` set so the purge
 * job deletes it then) and the revoked grant ids. docs/privacy.md explains both.
 */
import { revokeUser } from '../users/index.js';
import type { RevocationService } from '../revocation/index.js';
import { recordAudit, type AuditActor } from './audit.js';
import { eventsAbout, type PrivacyDeps } from './export-user.js';
import { deleteOwnedOidcRows } from './oidc-rows.js';
import { personOf, riskRowsOf } from './person.js';

export interface ErasedUser {
  profiles: number; roles: number; permissionChanges: number; events: number; grants: number; sessions: number; generation: number;
  /** other oidc-provider rows (refresh tokens, codes, sign-ins in progress) */
  oidc: number; riskEvents: number; lockouts: number; stepUps: number;
}

/** Erases the user; undefined when there is no such user. `actor` goes into the audit entry. */
export async function eraseUser(deps: PrivacyDeps & { revocation: RevocationService }, userId: string, keepRevocationsUntil: Date, actor: AuditActor = 'admin'): Promise<ErasedUser | undefined> {
  const { prisma } = deps.db;
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) return undefined;
  const revoked = await revokeUser(deps, user.id, keepRevocationsUntil);
  const person = personOf(deps, user);
  const risk = riskRowsOf(person);
  const events = (await eventsAbout(deps.db, user.id, person.handle)).map((e) => e.jti);
  const [profiles, roles, changes, stored, oidc, riskEvents, lockouts, stepUps] = await prisma.$transaction([
    prisma.fingerprintProfile.deleteMany({ where: { userId: user.id } }),
    prisma.roleAssignment.deleteMany({ where: { kind: 'user', subject: user.id } }),
    prisma.permissionChange.deleteMany({ where: { kind: 'user', subject: user.id } }),
    prisma.securityEvent.deleteMany({ where: { jti: { in: events } } }),
    deleteOwnedOidcRows(prisma, user.id),
    prisma.riskEvent.deleteMany({ where: risk.events }),
    prisma.riskLockout.deleteMany({ where: risk.lockouts }),
    prisma.riskStepUp.deleteMany({ where: risk.stepUps }),
    prisma.familiarPlace.deleteMany({ where: risk.familiar }),
    prisma.passwordReset.deleteMany({ where: { userId: user.id } }),
    prisma.recoveryCode.deleteMany({ where: { userId: user.id } }),
    prisma.sessionDevice.deleteMany({ where: { userId: user.id } }),
    prisma.privacyAudit.updateMany({ where: risk.audit, data: { subjectKey: null } }),
    // the admin audit keeps that a change was made, about no one
    prisma.adminAudit.updateMany({ where: { target: `user:${person.nameKey}` }, data: { target: 'user:erased' } }),
    prisma.subjectKey.updateMany({ where: { handle: person.handle }, data: { dropAfter: keepRevocationsUntil } }),
    prisma.user.delete({ where: { id: user.id } }),
  ]);
  const erased: ErasedUser = {
    profiles: profiles.count, roles: roles.count, permissionChanges: changes.count, events: stored.count, grants: revoked.grants, sessions: revoked.sessions,
    generation: revoked.generation, oidc, riskEvents: riskEvents.count, lockouts: lockouts.count, stepUps: stepUps.count,
  };
  // counts only: not even the generation, which could be matched with the kept SubjectKey row
  const details: Record<string, number> = { ...erased };
  delete details.generation;
  await recordAudit(deps.db, { action: 'user.erased', actor, details, at: deps.now?.() });
  return erased;
}
