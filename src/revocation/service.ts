/**
 * Revocation state: revoked token ids, revoked grants and sessions, and subject key
 * generations. Access tokens are never stored, so revoking a grant (refresh token
 * reuse, code replay, logout, `user revoke`) or ending a session is recorded as a row
 * keyed `grant:<gid>` or `session:<sid>` in the same table as revoked jtis
 * (oidc-provider's ids contain no colon, so the keys never collide). Every state check
 * goes through the mirror (mirror.ts), which is brought up to date before it answers,
 * so a revocation written by any process is seen by every process at once, and the
 * token's gid and sid cost no extra round trip; only issuance may reuse a generation
 * for up to SUBJECT_CACHE_TTL (a token minted with a stale generation is born dead).
 */
import type { Database } from '../storage/index.js';
import { createRevocationMirror } from './mirror.js';

export type TokenState = 'active' | 'revoked' | 'stale-generation';

export interface RevocationService {
  /** Marks a token id revoked until its expiry. Idempotent. */
  revokeToken(jti: string, expiresAt: Date): Promise<void>;
  /** Bumps a subject's generation: every token sealed under the old one stops opening. */
  bumpSubject(handle: string): Promise<number>;
  /** The generation to seal new tokens under (briefly cached). */
  generationForIssuance(handle: string): Promise<number>;
  /** Marks every token of a grant revoked until `expiresAt`. Idempotent. */
  revokeGrant(grantId: string, expiresAt: Date): Promise<void>;
  /** Marks every token of a session revoked until `expiresAt`. Idempotent. */
  revokeSession(sid: string, expiresAt: Date): Promise<void>;
  /** Current state of a token (and of its grant, session, client and audience), from the freshly synced mirror. */
  state(jti: string, handle: string, generation: number, bound?: TokenBinding): Promise<TokenState>;
  /** Deletes revocations whose tokens have expired anyway. */
  purgeExpired(now: Date): Promise<number>;
}

/** What a token is bound to besides its jti and subject. */
export interface TokenBinding { gid?: string; sid?: string; clientId?: string; aud?: string; iat?: number }

/** Revocation keys of a grant and a session, beside plain jtis. */
export const grantKey = (gid: string): string => `grant:${gid}`;
export const sessionKey = (sid: string): string => `session:${sid}`;
/**
 * Removal keys of a client and a resource server (client ids and jtis hold no colon):
 * written by the registry in the transaction that removes them, they stop every token
 * issued to it before `revokedAt` (and within REMOVAL_MARGIN_MS after).
 */
export const clientKey = (id: string): string => `client:${id}`;
export const audienceKey = (aud: string): string => `audience:${aud}`;

/**
 * Tokens issued up to this long after a removal are refused too: every process
 * remembers a client or resource server lookup for up to a second, `iat` has whole
 * seconds, and the clocks of the writing and the issuing process may differ a little.
 */
export const REMOVAL_MARGIN_MS = 3000;

function removedFor(mirror: { removedAt(key: string): number | undefined }, key: string, iat: number | undefined): boolean {
  const at = mirror.removedAt(key);
  return at !== undefined && (typeof iat !== 'number' || iat * 1000 <= at + REMOVAL_MARGIN_MS);
}

/** Creates the revocation service over the shared database. */
export function createRevocationService(opts: { db: Database; subjectCacheTtlSec: number; now?: () => number }): RevocationService {
  const { db } = opts;
  const now = opts.now ?? Date.now;
  // pending lookups are cached too, so concurrent issuances for one subject share a query
  const cache = new Map<string, { generation: Promise<number>; until: number }>();
  const mirror = createRevocationMirror({ db, now });

  return {
    async revokeToken(jti, expiresAt) {
      await db.prisma.revocation.createMany({ data: [{ jti, expiresAt }], skipDuplicates: true });
    },
    async revokeGrant(grantId, expiresAt) {
      await db.prisma.revocation.createMany({ data: [{ jti: grantKey(grantId), expiresAt }], skipDuplicates: true });
    },
    async revokeSession(sid, expiresAt) {
      await db.prisma.revocation.createMany({ data: [{ jti: sessionKey(sid), expiresAt }], skipDuplicates: true });
    },
    async bumpSubject(handle) {
      const row = await db.prisma.subjectKey.upsert({
        where: { handle }, create: { handle, generation: 1 }, update: { generation: { increment: 1 } },
      });
      cache.delete(handle);
      return row.generation;
    },
    generationForIssuance(handle) {
      const hit = cache.get(handle);
      if (hit && hit.until > now()) return hit.generation;
      const generation = db.prisma.subjectKey.findUnique({ where: { handle } }).then((row) => row?.generation ?? 0);
      if (cache.size > 100_000) cache.clear();
      const entry = { generation, until: now() + opts.subjectCacheTtlSec * 1000 };
      cache.set(handle, entry);
      generation.catch(() => { if (cache.get(handle) === entry) cache.delete(handle); });
      return generation;
    },
    async state(jti, handle, generation, bound = {}) {
      await mirror.fresh();
      if (mirror.isRevoked(jti)) return 'revoked';
      if (typeof bound.gid === 'string' && mirror.isRevoked(grantKey(bound.gid))) return 'revoked';
      if (typeof bound.sid === 'string' && mirror.isRevoked(sessionKey(bound.sid))) return 'revoked';
      if (typeof bound.clientId === 'string' && removedFor(mirror, clientKey(bound.clientId), bound.iat)) return 'revoked';
      if (typeof bound.aud === 'string' && removedFor(mirror, audienceKey(bound.aud), bound.iat)) return 'revoked';
      return mirror.generation(handle) === generation ? 'active' : 'stale-generation';
    },
    async purgeExpired(at) {
      const { count } = await db.prisma.revocation.deleteMany({ where: { expiresAt: { lte: at } } });
      return count;
    },
  };
}
