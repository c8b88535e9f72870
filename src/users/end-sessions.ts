/**
 * Ends a user's sign-in sessions from their account page: every session but the one
 * kept (or all), each with the grants it created and their refresh tokens and codes,
 * and every grant that outlived its session (offline access), unless it belongs to the
 * kept session. Each ended session's id goes to `revokeSession` (which tells receivers
 * with a CAEP session-revoked event) and each grant to `revokeGrant` (its access tokens
 * stop at introspection). Sessions are named by oidc-provider's public `uid`, never by
 * the session id, which is the cookie's credential.
 */
import type { Database } from '../storage/index.js';

type Authorizations = Record<string, { sid?: string; grantId?: string }>;
interface SessionRow { id: string; payload: { uid?: string; accountId?: string; authorizations?: Authorizations } }

export interface SessionEnder {
  db: Database;
  revokeSession(sid: string): Promise<void>;
  revokeGrant(grantId: string): Promise<void>;
}

/** The user's stored sessions. */
export async function sessionsOf(db: Database, userId: string): Promise<SessionRow[]> {
  const rows = await db.prisma.oidcPayload.findMany({ where: { model: 'Session', payload: { path: ['accountId'], equals: userId } } });
  return rows as unknown as SessionRow[];
}

/** Ends the sessions (all, or all but `except`); answers how many ended. */
export async function endSessions(deps: SessionEnder, userId: string, opts: { except?: string; only?: string } = {}): Promise<number> {
  const sessions = await sessionsOf(deps.db, userId);
  const kept = sessions.filter((s) => (opts.only ? s.payload.uid !== opts.only : s.payload.uid === opts.except && opts.except !== undefined));
  const keptGrants = new Set(kept.flatMap((s) => Object.values(s.payload.authorizations ?? {}).map((a) => a.grantId)).filter(Boolean));
  const ending = sessions.filter((s) => !kept.includes(s));
  for (const s of ending) for (const a of Object.values(s.payload.authorizations ?? {})) if (a.sid) await deps.revokeSession(a.sid);
  const grants = opts.only
    ? ending.flatMap((s) => Object.values(s.payload.authorizations ?? {}).map((a) => a.grantId ?? ''))
    : (await deps.db.prisma.oidcPayload.findMany({ where: { model: 'Grant', payload: { path: ['accountId'], equals: userId } }, select: { id: true } })).map((g) => g.id);
  const revoked = grants.filter((g) => g && !keptGrants.has(g));
  for (const g of revoked) await deps.revokeGrant(g);
  await deps.db.prisma.oidcPayload.deleteMany({ where: { OR: [{ grantId: { in: revoked } }, { model: 'Grant', id: { in: revoked } }, { model: 'Session', id: { in: ending.map((s) => s.id) } }] } });
  return ending.length;
}
