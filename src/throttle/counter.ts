/**
 * One fixed-window counter (rate-limiter-flexible), Redis-backed with a local twin
 * when the store has Redis, memory-only otherwise. Operations never reject: a refusal
 * is data (`Count`), and store failures are absorbed by the store's fallback.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Rate } from '../config/index.js';
import type { Store } from './store.js';

/** A counter's state after an operation. */
export interface Count {
  consumed: number;
  /** ms until the window (or block) ends */
  resetMs: number;
}

export interface Counter {
  readonly rate: Rate;
  /** the key under which the store keeps `key`'s count */
  storeKey(key: string): string;
  /** peek() on the local twin only (the fallback of `peekCounts`) */
  peekLocal(key: string): Promise<Count>;
  /** Adds one and returns the new state. */
  hit(key: string): Promise<Count>;
  /** Reads the state without counting (consumed 0 when unknown). */
  peek(key: string): Promise<Count>;
  /** Holds the key over its limit for `seconds`. */
  block(key: string, seconds: number): Promise<void>;
  /** Forgets the key. */
  reset(key: string): Promise<void>;
}

/** Creates a counter named `name` (part of its Redis key prefix). */
export function createCounter(store: Store, prefix: string, name: string, rate: Rate): Counter {
  const opts = { keyPrefix: `${prefix}:${name}`, points: rate.points, duration: rate.duration };
  const local = new RateLimiterMemory(opts);
  const remote = store.redis ? new RateLimiterRedis({ ...opts, storeClient: store.redis, rejectIfRedisNotReady: true }) : undefined;
  const both = <T>(op: (l: RateLimiterAbstract) => Promise<T>) => store.run(remote && (() => op(remote)), () => op(local));
  const peekLocal = (key: string) => local.get(key).then((res) => (res ? toCount(res) : { consumed: 0, resetMs: 0 }));
  return {
    rate,
    storeKey: (key) => local.getKey(key),
    peekLocal,
    hit: (key) => both((l) => l.consume(key).then(toCount, refusedCount)),
    peek: (key) => both((l) => l.get(key).then((res) => (res ? toCount(res) : { consumed: 0, resetMs: 0 }))),
    block: (key, seconds) => both((l) => l.block(key, seconds).then(() => undefined)),
    reset: (key) => both((l) => l.delete(key).then(() => undefined)),
  };
}

function toCount(res: RateLimiterRes): Count {
  return { consumed: res.consumedPoints, resetMs: Math.max(0, res.msBeforeNext) };
}

// consume() rejects with a RateLimiterRes when over the limit, with an Error when the
// store failed; only the latter must reach the store's fallback.
function refusedCount(err: unknown): Count {
  if (err instanceof RateLimiterRes) return toCount(err);
  throw err;
}

/**
 * The consumed counts of many (counter, key) pairs: with Redis one MGET for all of
 * them (no TTLs; `peek` one that needs its reset time), else the local twins. This is
 * the hot path's read: rate-limiter-flexible's own `get` is a MULTI of GET and PTTL
 * per key.
 */
export function peekCounts(store: Store, items: { counter: Counter; key: string }[]): Promise<number[]> {
  if (items.length === 0) return Promise.resolve([]);
  const redis = store.redis;
  const remote = redis && (async () => {
    if (redis.status !== 'ready') throw new Error('Redis connection is not ready');
    const values = await redis.mget(items.map((i) => i.counter.storeKey(i.key)));
    return values.map((v) => (v === null ? 0 : Number(v)));
  });
  return store.run(remote, () => Promise.all(items.map((i) => i.counter.peekLocal(i.key))).then((counts) => counts.map((c) => c.consumed)));
}
