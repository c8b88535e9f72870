/**
 * The risk engine's short-term memory: what the signals compare a new event with
 * (a subject's last place, a token's presenters, an address's failures, a caller's
 * inactive tokens, a subject's fingerprint changes). One interface, two stores: process
 * memory (local.ts) and Redis (redis.ts), which every issuer process reads.
 */

/** Where a subject was last seen. */
export interface LastPlace { country: string; lat: number; lon: number; at: number }

/** The memory's name spaces: one per kind of event, so keys never collide. */
export type Space = 'failure' | 'invalid' | 'presented' | 'fingerprint';

export interface RiskMemory {
  /**
   * Records `place` as `subject`'s last place unless a newer one is known, and returns
   * the one known before (undefined when none). `keepMs`: how long it is worth keeping.
   */
  swapPlace(subject: string, place: LastPlace, keepMs: number): Promise<LastPlace | undefined>;
  /** Records one event under `key` at `at` (ms); returns the events inside `windowMs`, this one included. */
  count(space: Space, key: string, at: number, windowMs: number): Promise<number>;
  /** The events inside `windowMs` without recording one. */
  peekCount(space: Space, key: string, at: number, windowMs: number): Promise<number>;
  /** Records `value` under `key`; returns the distinct values inside `windowMs` before and after. */
  distinct(space: Space, key: string, value: string, at: number, windowMs: number): Promise<{ before: number; after: number }>;
  close(): Promise<void>;
}

/** Entries kept per key at most (a flood on one key must not grow without bound). */
export const MAX_PER_KEY = 10_000;
