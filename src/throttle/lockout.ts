/**
 * Brute-force lockouts: `after` consecutive failures of one key lock it for a
 * growing duration (first, 2×first, 4×first … capped at max). A success forgets both
 * the consecutive count and the lockout level; so does `reset` seconds of quiet.
 * Anchors: Auth0 blocks after 10 consecutive failures, Entra smart lockout locks for
 * one minute after 10 and lengthens repeat lockouts, Keycloak waits up to 15 minutes.
 */
import type { LockoutPolicy } from '../config/index.js';
import { createCounter, type Count, type Counter } from './counter.js';
import type { Store } from './store.js';

export interface Lockout {
  /** the lock (count above 1 while locked), read by the check's one store call */
  readonly lock: Counter;
  /** counters that are non-zero while a key has failures or lockouts on record */
  readonly record: Counter[];
  /** The remaining lock in ms (0 when not locked). */
  lockedFor(key: string): Promise<number>;
  /** Counts a failure; returns the new lockout's seconds and level if one started. */
  failed(key: string): Promise<{ seconds: number; level: number } | undefined>;
  succeeded(key: string): Promise<void>;
}

const BIG = 1_000_000_000;

/** A lockout tracker for one key type of one kind (`name` prefixes its counters). */
export function createLockout(store: Store, prefix: string, name: string, policy: LockoutPolicy): Lockout {
  const window = Math.max(1, policy.reset);
  const consecutive = createCounter(store, prefix, `${name}:consecutive`, { points: BIG, duration: window });
  const level = createCounter(store, prefix, `${name}:level`, { points: BIG, duration: window });
  // points 1: block() sets the count above it, so a locked key reads consumed > 1
  const lock = createCounter(store, prefix, `${name}:lock`, { points: 1, duration: Math.max(1, policy.max) });
  return {
    lock,
    record: [consecutive, level],
    lockedFor: async (key) => remainingLock(await lock.peek(key)),
    async failed(key) {
      if (policy.after === 0) return undefined;
      if ((await consecutive.hit(key)).consumed < policy.after) return undefined;
      const { consumed } = await level.hit(key);
      const seconds = lockSeconds(policy, consumed);
      await Promise.all([lock.block(key, seconds), consecutive.reset(key)]);
      return { seconds, level: consumed };
    },
    async succeeded(key) {
      await Promise.all([consecutive.reset(key), level.reset(key)]);
    },
  };
}

function remainingLock(count: Count): number {
  return count.consumed > 1 ? count.resetMs : 0;
}

/** first × 2^(level-1), at most max (whole seconds, at least 1). */
export function lockSeconds(policy: Pick<LockoutPolicy, 'first' | 'max'>, level: number): number {
  const grown = policy.first * 2 ** Math.min(Math.max(level - 1, 0), 30);
  return Math.max(1, Math.min(grown, policy.max));
}

