/**
 * The risk memory a process uses: Redis when REDIS_URL is set (cluster mode), with this
 * process's own memory answering only while Redis cannot be reached (what each process
 * knew on its own before Redis was shared); process memory alone otherwise.
 */
import { Redis } from 'ioredis';
import { redisOptions, type RedisTimeouts } from '../../redis/index.js';
import { createLocalMemory } from './local.js';
import { createRedisMemory } from './redis.js';
import type { RiskMemory } from './types.js';

interface Log { warn(obj: object, msg: string): void; info(obj: object, msg: string): void }

export interface RiskMemoryOptions {
  /** Redis shared by the cluster; absent: process memory */
  redisUrl?: string;
  redisTimeouts?: RedisTimeouts;
  /** separates deployments sharing one Redis (the database schema) */
  namespace: string;
  log: Log;
}

/** How often a degraded memory tries Redis again (as the throttle's store). */
const RETRY_MS = 500;
const DEFAULT_TIMEOUTS: RedisTimeouts = { commandMs: 250, connectMs: 2000 };

/** Opens the memory; never waits for Redis (an unreachable Redis means starting on process memory). */
export function createRiskMemory(opts: RiskMemoryOptions): RiskMemory {
  const local = createLocalMemory();
  if (!opts.redisUrl) return local;
  // Request-path client: no offline queue, no retries, a deadline per command. Auto-
  // pipelining sends one check's scripts (issued in one tick) in one write: one round trip.
  const redis = new Redis(opts.redisUrl, {
    ...redisOptions(opts.redisTimeouts ?? DEFAULT_TIMEOUTS, 'command'), enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 50, 500),
  });
  return withFallback(redis, createRedisMemory(redis, `portcullis:risk:${opts.namespace}`), local, opts.log);
}

/**
 * Each call on `remote`, or on `local` while Redis is not connected or failing; says so
 * once per outage. While degraded, one call at most every RETRY_MS tries Redis again (a
 * hung Redis would otherwise cost every check a command deadline).
 */
function withFallback(redis: Redis, remote: RiskMemory, local: RiskMemory, log: Log): RiskMemory {
  let degraded = false;
  let retryAt = 0;
  const setDegraded = (on: boolean, err?: unknown) => {
    if (on) retryAt = Date.now() + RETRY_MS;
    if (on === degraded) return;
    degraded = on;
    if (on) log.warn({ event: 'risk.memory.degraded', err: String((err as Error)?.message ?? err) }, 'risk.memory.degraded: Redis unreachable, each process remembers on its own');
    else log.info({ event: 'risk.memory.recovered' }, 'risk.memory.recovered: Redis answers again, the memory is shared');
  };
  redis.on('error', (err) => setDegraded(true, err));
  const run = async <T>(op: (m: RiskMemory) => Promise<T>): Promise<T> => {
    if (redis.status !== 'ready' || (degraded && Date.now() < retryAt)) return op(local);
    try {
      const result = await op(remote);
      setDegraded(false);
      return result;
    } catch (err) {
      setDegraded(true, err);
      return op(local);
    }
  };
  return {
    swapPlace: (subject, place, keepMs) => run((m) => m.swapPlace(subject, place, keepMs)),
    count: (space, key, at, windowMs) => run((m) => m.count(space, key, at, windowMs)),
    peekCount: (space, key, at, windowMs) => run((m) => m.peekCount(space, key, at, windowMs)),
    distinct: (space, key, value, at, windowMs) => run((m) => m.distinct(space, key, value, at, windowMs)),
    async close() {
      redis.disconnect();
      await local.close();
    },
  };
}
