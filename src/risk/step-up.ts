/**
 * Step-up requirements (RFC 9470): once required for a user, their tokens introspect
 * active only when issued for a sign-in at the required level (`acr`, or higher) that
 * happened after the requirement. A new sign-in with the second factor therefore satisfies
 * it without clearing anything. `auth_time` has whole seconds, so a sign-in in the
 * requirement's own second cannot be told from one just before it: only sign-ins from the
 * next second on count (`auth_time` * 1000 > since, the requirement's time in ms).
 * Cached per process for a second.
 */
import type { Database } from '../storage/index.js';
import { createTtlCache } from '../cache/index.js';
import { ACR_VALUES } from '../users/index.js';

const CACHE_MS = 1000;

export interface StepUpRequirement {
  acr: string;
  /** when it was raised, ms since the epoch */
  since: number;
}

/** Creates the store. */
export function createStepUps(db: Database, opts: { now: () => number; keepSec: number }) {
  const cache = createTtlCache(async (userId, now): Promise<StepUpRequirement | undefined> => {
    const row = await db.prisma.riskStepUp.findUnique({ where: { subject: userId } });
    return row && row.expiresAt.getTime() > now ? { acr: row.acr, since: row.since.getTime() } : undefined;
  }, { ttlMs: CACHE_MS, now: opts.now });
  return {
    /** Requires `acr` for sign-ins from now on. */
    async require(userId: string, acr: string): Promise<void> {
      const now = opts.now();
      const since = new Date(now);
      const expiresAt = new Date(now + opts.keepSec * 1000);
      await db.prisma.riskStepUp.upsert({ where: { subject: userId }, create: { subject: userId, acr, since, expiresAt }, update: { acr, since, expiresAt } });
      cache.forget(userId);
    },
    /** The unmet requirement for a token's claims, or undefined when it is satisfied. */
    async unmet(userId: string, claims: { acr?: unknown; auth_time?: unknown }): Promise<StepUpRequirement | undefined> {
      const req = await cache.get(userId);
      if (!req) return undefined;
      const authTime = typeof claims.auth_time === 'number' ? claims.auth_time : 0;
      const level = ACR_VALUES.indexOf(String(claims.acr));
      return level >= ACR_VALUES.indexOf(req.acr) && authTime * 1000 > req.since ? undefined : req;
    },
  };
}
export type StepUps = ReturnType<typeof createStepUps>;
