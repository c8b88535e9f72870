/**
 * Where counters live: Redis in cluster mode (one budget for every process), memory in
 * embedded mode. With Redis, every counter has a local in-memory twin (the insurance
 * limiter): when a Redis call fails the twin decides, the store says so once in the
 * logs (`throttle.degraded`) and in metrics, and says `throttle.recovered` when Redis
 * answers again. It never fails open and never throws a store error to the caller.
 * A Redis that stops answering fails each command at REDIS_COMMAND_TIMEOUT; then the
 * twins decide alone, and Redis is tried again every RETRY_MS.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { redisOptions, type RedisTimeouts } from '../redis/index.js';
import type { ThrottleEvents } from './types.js';

export interface Store {
  /** the shared Redis connection, if any */
  readonly redis?: Redis;
  /** the clock of the memory windows, epoch ms (Redis keeps its own time) */
  readonly now: () => number;
  /** Runs `remote` (Redis) and falls back to `local` if Redis fails. */
  run<T>(remote: (() => Promise<T>) | undefined, local: () => Promise<T>): Promise<T>;
  degraded(): boolean;
  close(): Promise<void>;
}

export interface StoreOptions { redisUrl?: string; redisTimeouts?: RedisTimeouts; log: Logger; events: ThrottleEvents; now?: () => number }

/** How often a degraded store tries Redis again. */
const RETRY_MS = 500;

// what REDIS_COMMAND_TIMEOUT and REDIS_CONNECT_TIMEOUT default to (src/config), for callers without a Config
const DEFAULT_TIMEOUTS: RedisTimeouts = { commandMs: 250, connectMs: 2000 };

/** Opens the store; an unreachable Redis at start-up means starting degraded, not failing. */
export async function createStore(opts: StoreOptions): Promise<Store> {
  const redis = opts.redisUrl ? await connect(opts) : undefined;
  let degraded = false;
  const setDegraded = (on: boolean, err?: unknown) => {
    if (on === degraded) return;
    degraded = on;
    if (on) opts.log.warn({ event: 'throttle.degraded', err: String((err as Error)?.message ?? err) }, 'throttle.degraded: Redis unreachable, limiting per process');
    else opts.log.info({ event: 'throttle.recovered' }, 'throttle.recovered: Redis answers again, limits are global');
    opts.events.degraded(on);
  };
  // While degraded, requests go straight to the local twin; one call at most every
  // RETRY_MS tries Redis again (a hung Redis would otherwise cost every request a
  // command deadline per counter it touches).
  let retryAt = 0;
  let probing = false;
  const runRemote = async <T>(remote: () => Promise<T>, local: () => Promise<T>): Promise<T> => {
    if (degraded && (probing || Date.now() < retryAt)) { opts.events.fallback(); return local(); }
    probing = degraded;
    try {
      const result = await remote();
      setDegraded(false);
      return result;
    } catch (err) {
      if (err instanceof RateLimiterRes) { setDegraded(false); throw err; }
      setDegraded(true, err);
      retryAt = Date.now() + RETRY_MS;
      opts.events.fallback();
      return local();
    } finally {
      probing = false;
    }
  };
  return {
    redis,
    now: opts.now ?? Date.now,
    run: (remote, local) => (remote ? runRemote(remote, local) : local()),
    degraded: () => degraded,
    async close() { redis?.disconnect(); },
  };
}

async function connect({ redisUrl, log, redisTimeouts = DEFAULT_TIMEOUTS }: StoreOptions): Promise<Redis> {
  // No offline queue: while Redis is away a command fails at once and the local
  // limiter answers, instead of requests waiting on a reconnect. A Redis that keeps
  // its connections but stops answering fails each command at REDIS_COMMAND_TIMEOUT.
  const connectTimeoutMs = redisTimeouts.connectMs;
  // Auto-pipelining sends the commands of one request (issued in one tick) in one write.
  // Reconnect attempts at most every 500 ms: global limits come back soon after Redis does.
  const redis = new Redis(redisUrl as string, {
    ...redisOptions(redisTimeouts, 'command'), enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 50, 500),
  });
  redis.on('error', (err) => log.debug({ err: err.message }, 'throttle redis error'));
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, connectTimeoutMs);
    redis.once('ready', () => { clearTimeout(timer); resolve(); });
  });
  return redis;
}
