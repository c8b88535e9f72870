/**
 * Everything Portcullis holds about one user, as JSON (GDPR Art. 15, the right of
 * access; Art. 20 portability): the user record without secrets, devices (fingerprint
 * profiles and their changes), role assignments and direct permissions, permission
 * change records, sign-in sessions, grants, refresh tokens and pending sign-ins (what
 * they cover, never their identifiers, which are credentials), the risk engine's events,
 * lockouts and step-up requirements about them, the security events stored about them,
 * their tokens' revocation state, and who accessed their data (the privacy audit).
 * docs/privacy.md lists the same tables; a test compares them.
 */
import type { Database } from '../storage/index.js';
import { createProfileStore } from '../fingerprint/index.js';
import { auditAbout, recordAudit, type AuditActor } from './audit.js';
import { ownedOidcRows } from './oidc-rows.js';
import { personOf, riskRowsOf, type Person, type PersonSecrets } from './person.js';

export interface PrivacyDeps extends PersonSecrets { db: Database; now?: () => Date }

type OidcRow = { model: string; payload: unknown; expiresAt: Date | null };

function describe(row: OidcRow): Record<string, unknown> {
  const p = row.payload as Record<string, unknown>;
  const expiresAt = row.expiresAt;
  switch (row.model) {
    case 'Grant': return { kind: 'grant', clientId: p.clientId, openid: p.openid, resources: p.resources, expiresAt };
    case 'Session': return { kind: 'session', loginTs: p.loginTs, acr: p.acr, amr: p.amr, clients: Object.keys((p.authorizations as object | undefined) ?? {}), expiresAt };
    case 'RefreshToken': return { kind: 'refresh_token', clientId: p.clientId, scope: p.scope, expiresAt };
    case 'AuthorizationCode': return { kind: 'authorization_code', clientId: p.clientId, scope: p.scope, expiresAt };
    default: return { kind: row.model, expiresAt };
  }
}

/** The export, or undefined when there is no such user. `actor` is recorded in the privacy audit. */
export async function exportUser(deps: PrivacyDeps, userId: string, actor: AuditActor = 'admin'): Promise<Record<string, unknown> | undefined> {
  const { prisma } = deps.db;
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) return undefined;
  const person = personOf(deps, user);
  const [profiles, roles, changes, oidc, events, risk, generation, access] = await Promise.all([
    createProfileStore(deps.db).ofUser(user.id),
    prisma.roleAssignment.findMany({ where: { kind: 'user', subject: user.id } }),
    prisma.permissionChange.findMany({ where: { kind: 'user', subject: user.id }, orderBy: { id: 'asc' } }),
    ownedOidcRows(deps.db, user.id),
    eventsAbout(deps.db, user.id, person.handle),
    riskAbout(deps.db, person),
    prisma.subjectKey.findUnique({ where: { handle: person.handle }, select: { generation: true, updatedAt: true } }),
    auditAbout(deps.db, [person.nameKey, person.userKey]),
  ]);
  await recordAudit(deps.db, { action: 'user.exported', actor, subjectKey: person.nameKey, at: deps.now?.() });
  return {
    exportedAt: (deps.now?.() ?? new Date()).toISOString(),
    user: {
      id: user.id, username: user.username, disabled: user.disabled, totpEnrolled: user.totpSecret !== null, permissions: user.permissions.split(' ').filter(Boolean),
      createdAt: user.createdAt, updatedAt: user.updatedAt, lastSignInAt: user.lastSignInAt,
    },
    fingerprints: profiles.map((p) => ({
      id: p.id, components: p.components, digest: p.digest, coarse: p.coarse, createdAt: p.createdAt, updatedAt: p.updatedAt, expiresAt: p.expiresAt,
      changes: p.changes.map((c) => ({ outcome: c.outcome, score: c.score, changed: c.changed, clientId: c.clientId, at: c.createdAt })),
    })),
    passwordResets: (await prisma.passwordReset.findMany({ where: { userId: user.id }, select: { expiresAt: true } })).map((r: { expiresAt: Date }) => ({ expiresAt: r.expiresAt })),
    devices: (await prisma.sessionDevice.findMany({ where: { userId: user.id }, orderBy: { lastUsedAt: 'desc' } })).map((d: { browser: string; country: string | null; lastUsedAt: Date }) => ({ browser: d.browser, country: d.country, lastUsedAt: d.lastUsedAt })),
    recoveryCodes: { left: await prisma.recoveryCode.count({ where: { userId: user.id } }) },
    roles: roles.map((r) => ({ role: r.roleName, since: r.createdAt })),
    permissionChanges: changes.map((c) => ({ change: c.change, detail: c.detail, at: c.createdAt })),
    sessionsAndGrants: oidc.map(describe),
    ...risk,
    securityEvents: events.map((e) => ({ jti: e.jti, status: e.status, payload: e.payload, createdAt: e.createdAt })),
    tokenRevocation: generation ? { generation: generation.generation, updatedAt: generation.updatedAt } : { generation: 0 },
    accessLog: access,
  };
}

/** The risk engine's rows about the person: events, lockouts, step-up requirements; and the login form's familiar places. */
async function riskAbout(db: Database, person: Person) {
  const where = riskRowsOf(person);
  const [events, lockouts, stepUps, places] = await Promise.all([
    db.prisma.riskEvent.findMany({ where: where.events, orderBy: { at: 'asc' } }),
    db.prisma.riskLockout.findMany({ where: where.lockouts }),
    db.prisma.riskStepUp.findMany({ where: where.stepUps }),
    db.prisma.familiarPlace.findMany({ where: where.familiar, orderBy: { expiresAt: 'asc' } }),
  ]);
  return {
    riskEvents: events.map((e) => ({
      at: e.at, kind: e.kind, name: e.name, clientId: e.clientId, network: e.ipCoarse, country: e.country, addressHash: e.ipHash, score: e.score, decision: e.decision, details: e.details,
    })),
    lockouts: lockouts.map((l) => ({ level: l.level, until: l.until, reason: l.reason, updatedAt: l.updatedAt })),
    stepUps: stepUps.map((s) => ({ acr: s.acr, since: s.since, expiresAt: s.expiresAt })),
    familiarPlaces: places.map((p) => ({ expiresAt: p.expiresAt })), // each a keyed hash: nothing more to show
  };
}

/** Stored security events whose payload names the user (by id or pseudonymous handle). */
export async function eventsAbout(db: Database, userId: string, handle: string) {
  return db.prisma.securityEvent.findMany({
    where: { OR: [{ eventKey: { contains: handle } }, { payload: { path: ['sub_id', 'sub'], equals: userId } }, { payload: { path: ['sub_id', 'id'], equals: handle } }] },
    orderBy: { createdAt: 'asc' },
  });
}
