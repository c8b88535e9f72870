/**
 * Lockouts of users (`user:<username>`) and clients (`client:<id>`), in the database so
 * every process enforces them; each process remembers a lookup for a second. Each new
 * lockout of the same key lasts twice as long (RISK_LOCKOUT_FIRST up to RISK_LOCKOUT_MAX);
 * the level is forgotten once a lockout has been over for RISK_LOCKOUT_MAX.
 */
import type { Database } from '../storage/index.js';
import { createTtlCache } from '../cache/index.js';
import { lockoutSeconds } from './policy.js';

const CACHE_MS = 1000;

export interface LockoutState { until: Date; level: number }

/** Creates the store. */
export function createLockouts(db: Database, opts: { first: number; max: number; now: () => number }) {
  const cache = createTtlCache(async (key): Promise<LockoutState | undefined> => {
    const row = await db.prisma.riskLockout.findUnique({ where: { key } });
    return row ? { until: row.until, level: row.level } : undefined;
  }, { ttlMs: CACHE_MS, now: opts.now });
  return {
    /** Seconds left of a lockout of `key` (0 when not locked). */
    async lockedFor(key: string): Promise<number> {
      const state = await cache.get(key);
      const left = state ? state.until.getTime() - opts.now() : 0;
      return left > 0 ? Math.ceil(left / 1000) : 0;
    },
    /** Starts (or extends) a lockout; returns its length in seconds. */
    async lock(key: string, reason: string): Promise<{ seconds: number; level: number; until: Date }> {
      const now = opts.now();
      const row = await db.prisma.riskLockout.findUnique({ where: { key } });
      const stale = !row || now - row.until.getTime() > opts.max * 1000;
      const level = stale ? 1 : row.level + 1;
      const seconds = lockoutSeconds(level, opts.first, opts.max);
      const until = new Date(now + seconds * 1000);
      await db.prisma.riskLockout.upsert({ where: { key }, create: { key, level, until, reason, updatedAt: new Date(now) }, update: { level, until, reason, updatedAt: new Date(now) } });
      cache.forget(key);
      return { seconds, level, until };
    },
    /** Ends a lockout now (admin unlock); keeps the level so a relapse still grows. */
    async unlock(key: string): Promise<boolean> {
      const now = new Date(opts.now());
      const { count } = await db.prisma.riskLockout.updateMany({ where: { key, until: { gt: now } }, data: { until: now, updatedAt: now } });
      cache.forget(key);
      return count > 0;
    },
  };
}
export type Lockouts = ReturnType<typeof createLockouts>;
