/**
 * Everything Portcullis holds about one user, as JSON (the right of access): the user
 * record without secrets, fingerprint profiles and their changes, role assignments and
 * direct permissions, permission change records, sign-in sessions and grants (what
 * they cover, never their identifiers, which are credentials), and the security events
 * stored about the user.
 */
import type { Database } from '../storage/index.js';
import { subjectHandle } from '../keys/index.js';
import { createProfileStore } from '../fingerprint/index.js';

export interface PrivacyDeps { db: Database; handlePepper: Uint8Array }

type OidcRow = { model: string; payload: unknown; expiresAt: Date | null };

function describe(row: OidcRow): Record<string, unknown> {
  const p = row.payload as Record<string, unknown>;
  if (row.model === 'Grant') return { kind: 'grant', clientId: p.clientId, openid: p.openid, resources: p.resources, expiresAt: row.expiresAt };
  return { kind: 'session', loginTs: p.loginTs, acr: p.acr, amr: p.amr, clients: Object.keys((p.authorizations as object | undefined) ?? {}), expiresAt: row.expiresAt };
}

/** The export, or undefined when there is no such user. */
export async function exportUser(deps: PrivacyDeps, userId: string): Promise<Record<string, unknown> | undefined> {
  const { prisma } = deps.db;
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) return undefined;
  const handle = subjectHandle(deps.handlePepper, user.id);
  const owned = (model: string) => ({ model, payload: { path: ['accountId'], equals: user.id } });
  const [profiles, roles, changes, oidc, events] = await Promise.all([
    createProfileStore(deps.db).ofUser(user.id),
    prisma.roleAssignment.findMany({ where: { kind: 'user', subject: user.id } }),
    prisma.permissionChange.findMany({ where: { kind: 'user', subject: user.id }, orderBy: { id: 'asc' } }),
    prisma.oidcPayload.findMany({ where: { OR: [owned('Grant'), owned('Session')] }, select: { model: true, payload: true, expiresAt: true } }),
    eventsAbout(deps.db, user.id, handle),
  ]);
  return {
    exportedAt: new Date().toISOString(),
    user: { id: user.id, username: user.username, disabled: user.disabled, totpEnrolled: user.totpSecret !== null, permissions: user.permissions.split(' ').filter(Boolean), createdAt: user.createdAt, updatedAt: user.updatedAt },
    fingerprints: profiles.map((p) => ({
      id: p.id, components: p.components, digest: p.digest, coarse: p.coarse, createdAt: p.createdAt, updatedAt: p.updatedAt, expiresAt: p.expiresAt,
      changes: p.changes.map((c) => ({ outcome: c.outcome, score: c.score, changed: c.changed, clientId: c.clientId, at: c.createdAt })),
    })),
    roles: roles.map((r) => ({ role: r.roleName, since: r.createdAt })),
    permissionChanges: changes.map((c) => ({ change: c.change, detail: c.detail, at: c.createdAt })),
    sessionsAndGrants: oidc.map(describe),
    securityEvents: events.map((e) => ({ jti: e.jti, status: e.status, payload: e.payload, createdAt: e.createdAt })),
  };
}

/** Stored security events whose payload names the user (by id or pseudonymous handle). */
export async function eventsAbout(db: Database, userId: string, handle: string) {
  return db.prisma.securityEvent.findMany({
    where: { OR: [{ eventKey: { contains: handle } }, { payload: { path: ['sub_id', 'sub'], equals: userId } }, { payload: { path: ['sub_id', 'id'], equals: handle } }] },
    orderBy: { createdAt: 'asc' },
  });
}
