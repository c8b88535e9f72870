/**
 * One fixed-window counter: in Redis (rate-limiter-flexible) with a local twin in
 * memory (memory-window.ts) when the store has Redis, the memory window alone
 * otherwise. Operations never reject: a refusal is data (`Count`), and store failures
 * are absorbed by the store's fallback.
 */
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Rate } from '../config/index.js';
import { createMemoryWindow, type MemoryWindow, type WindowCount } from './memory-window.js';
import type { Store } from './store.js';
import type { CountScript } from './count-script.js';

/** A counter's state after an operation. */
export type Count = WindowCount;

export interface Counter {
  readonly rate: Rate;
  /** the key under which the store keeps `key`'s count */
  storeKey(key: string): string;
  /** the memory window (the whole counter without Redis, the twin with it): synchronous */
  readonly local: MemoryWindow;
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
  const keyPrefix = `${prefix}:${name}`;
  const local = createMemoryWindow(rate.points, rate.duration, store.now);
  const remote = store.redis ? new RateLimiterRedis({ keyPrefix, points: rate.points, duration: rate.duration, storeClient: store.redis, rejectIfRedisNotReady: true }) : undefined;
  const both = <T>(op: (r: RateLimiterRedis) => Promise<T>, mem: () => T) => store.run(remote && (() => op(remote)), () => Promise.resolve(mem()));
  return {
    rate,
    storeKey: (key) => `${keyPrefix}:${key}`, // rate-limiter-flexible's key in Redis
    local,
    hit: (key) => both((r) => r.consume(key).then(toCount, refusedCount), () => local.hit(key)),
    peek: (key) => both((r) => r.get(key).then((res) => (res ? toCount(res) : { consumed: 0, resetMs: 0 })), () => local.peek(key)),
    block: (key, seconds) => both((r) => r.block(key, seconds).then(() => undefined), () => local.block(key, seconds)),
    reset: (key) => both((r) => r.delete(key).then(() => undefined), () => local.reset(key)),
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
 * The hot path's one store call: counts a request under `counted` and reads the
 * consumed counts of `probes`, with Redis in one script (count-script.ts), else, or
 * when Redis fails, on the memory windows.
 */
export function countAndPeek(store: Store, script: CountScript | undefined, counted: { counter: Counter; key: string }[], probes: { counter: Counter; key: string }[]): Promise<{ hits: Count[]; values: number[] }> {
  const remote = script && (() => script(
    counted.map((c) => ({ storeKey: c.counter.storeKey(c.key), windowSec: c.counter.rate.duration })),
    probes.map((p) => p.counter.storeKey(p.key)),
  ));
  return store.run(remote, async () => ({ hits: counted.map((c) => c.counter.local.hit(c.key)), values: peekLocalCounts(probes) }));
}

/** The consumed counts from the memory windows. */
export function peekLocalCounts(items: { counter: Counter; key: string }[]): number[] {
  return items.map((i) => i.counter.local.peek(i.key).consumed);
}
