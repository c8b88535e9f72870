/**
 * Step-up requirements (RFC 9470): once required for a user, their tokens introspect
 * active only when issued for a sign-in at the required level (`acr`, or higher) that
 * happened after the requirement (`auth_time` >= since). A new sign-in with the second factor
 * therefore satisfies it without clearing anything. Cached per process for a second.
 */
import type { Database } from '../storage/index.js';
import { ACR_VALUES } from '../users/index.js';
import { rememberLookups } from './remembered.js';

const CACHE_MS = 1000;

export interface StepUpRequirement { acr: string; since: number }

/** Creates the store. */
export function createStepUps(db: Database, opts: { now: () => number; keepSec: number }) {
  const cache = rememberLookups((userId, now) => db.prisma.riskStepUp.findUnique({ where: { subject: userId } })
    .then((row): StepUpRequirement | undefined => (row && row.expiresAt.getTime() > now ? { acr: row.acr, since: Math.floor(row.since.getTime() / 1000) } : undefined)), { ms: CACHE_MS, now: opts.now });
  const read = (userId: string) => cache.get(userId);
  return {
    /** Requires `acr` for sign-ins from now on. */
    async require(userId: string, acr: string): Promise<void> {
      const now = opts.now();
      const since = new Date(Math.floor(now / 1000) * 1000);
      const expiresAt = new Date(now + opts.keepSec * 1000);
      await db.prisma.riskStepUp.upsert({ where: { subject: userId }, create: { subject: userId, acr, since, expiresAt }, update: { acr, since, expiresAt } });
      cache.forget(userId);
    },
    /** The unmet requirement for a token's claims, or undefined when it is satisfied. */
    async unmet(userId: string, claims: { acr?: unknown; auth_time?: unknown }): Promise<StepUpRequirement | undefined> {
      const req = await read(userId);
      if (!req) return undefined;
      const authTime = typeof claims.auth_time === 'number' ? claims.auth_time : 0;
      const level = ACR_VALUES.indexOf(String(claims.acr));
      return level >= ACR_VALUES.indexOf(req.acr) && authTime >= req.since ? undefined : req;
    },
  };
}
export type StepUps = ReturnType<typeof createStepUps>;
