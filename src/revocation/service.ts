/**
 * Revocation state: revoked token ids and subject key generations. Every state check
 * goes through the mirror (mirror.ts), which is brought up to date before it answers,
 * so a revocation written by any process is seen by every process at once; only
 * issuance may reuse a generation for up to SUBJECT_CACHE_TTL (a token minted with a
 * stale generation is born dead).
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
  /** Current state of a token, read fresh. */
  state(jti: string, handle: string, generation: number): Promise<TokenState>;
  /** Deletes revocations whose tokens have expired anyway. */
  purgeExpired(now: Date): Promise<number>;
}

/** Creates the revocation service over the shared database. */
export function createRevocationService(opts: { db: Database; subjectCacheTtlSec: number; now?: () => number }): RevocationService {
  const { db } = opts;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { generation: number; until: number }>();
  const mirror = createRevocationMirror({ db, now });

  return {
    async revokeToken(jti, expiresAt) {
      await db.prisma.revocation.createMany({ data: [{ jti, expiresAt }], skipDuplicates: true });
    },
    async bumpSubject(handle) {
      const row = await db.prisma.subjectKey.upsert({
        where: { handle }, create: { handle, generation: 1 }, update: { generation: { increment: 1 } },
      });
      cache.delete(handle);
      return row.generation;
    },
    async generationForIssuance(handle) {
      const hit = cache.get(handle);
      if (hit && hit.until > now()) return hit.generation;
      const row = await db.prisma.subjectKey.findUnique({ where: { handle } });
      const generation = row?.generation ?? 0;
      if (cache.size > 100_000) cache.clear();
      cache.set(handle, { generation, until: now() + opts.subjectCacheTtlSec * 1000 });
      return generation;
    },
    async state(jti, handle, generation) {
      await mirror.fresh();
      if (mirror.isRevoked(jti)) return 'revoked';
      return mirror.generation(handle) === generation ? 'active' : 'stale-generation';
    },
    async purgeExpired(at) {
      const { count } = await db.prisma.revocation.deleteMany({ where: { expiresAt: { lte: at } } });
      return count;
    },
  };
}
