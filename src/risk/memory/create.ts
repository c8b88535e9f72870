/**
 * The risk memory a process uses: Redis when REDIS_URL is set (cluster mode), with this
 * process's own memory answering only while Redis cannot be reached (what each process
 * knew on its own before Redis was shared); process memory alone otherwise.
 */
import { Redis } from 'ioredis';
import { createLocalMemory } from './local.js';
import { createRedisMemory } from './redis.js';
import type { RiskMemory } from './types.js';

interface Log { warn(obj: object, msg: string): void; info(obj: object, msg: string): void }

export interface RiskMemoryOptions {
  /** Redis shared by the cluster; absent: process memory */
  redisUrl?: string;
  /** separates deployments sharing one Redis (the database schema) */
  namespace: string;
  log: Log;
}

/** Opens the memory; never waits for Redis (an unreachable Redis means starting on process memory). */
export function createRiskMemory(opts: RiskMemoryOptions): RiskMemory {
  const local = createLocalMemory();
  if (!opts.redisUrl) return local;
  // No offline queue and no retries: while Redis is away a call fails at once and the
  // process memory answers, instead of a request waiting on a reconnect. Auto-pipelining
  // sends one check's scripts (issued in one tick) in one write: one round trip.
  const redis = new Redis(opts.redisUrl, {
    enableOfflineQueue: false, maxRetriesPerRequest: 0, enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 50, 500),
  });
  return withFallback(redis, createRedisMemory(redis, `portcullis:risk:${opts.namespace}`), local, opts.log);
}

/** Each call on `remote`, or on `local` while Redis is not ready or fails; says so once per outage. */
function withFallback(redis: Redis, remote: RiskMemory, local: RiskMemory, log: Log): RiskMemory {
  let degraded = false;
  const setDegraded = (on: boolean, err?: unknown) => {
    if (on === degraded) return;
    degraded = on;
    if (on) log.warn({ event: 'risk.memory.degraded', err: String((err as Error)?.message ?? err) }, 'risk.memory.degraded: Redis unreachable, each process remembers on its own');
    else log.info({ event: 'risk.memory.recovered' }, 'risk.memory.recovered: Redis answers again, the memory is shared');
  };
  redis.on('error', (err) => setDegraded(true, err));
  redis.on('ready', () => setDegraded(false));
  const run = async <T>(op: (m: RiskMemory) => Promise<T>): Promise<T> => {
    if (redis.status !== 'ready') return op(local); // connecting, or reconnecting after an error said so
    try {
      return await op(remote);
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
