/**
 * How every ioredis client of Portcullis talks to Redis: each command has a deadline
 * (REDIS_COMMAND_TIMEOUT), each connection attempt too (REDIS_CONNECT_TIMEOUT). A Redis
 * that stops answering while keeping its connections open (a paused process, a full
 * network buffer) then fails commands like a Redis that is gone, so callers fall back
 * (the throttle's local limiter) or give up (a job left for the next sweep) instead of
 * holding requests.
 */
import type { RedisOptions } from 'ioredis';

export interface RedisTimeouts {
  /** deadline of one command, ms */
  commandMs: number;
  /** deadline of one connection attempt, ms */
  connectMs: number;
}

/**
 * ioredis options for a role:
 *  - `command`: request-path clients; no offline queue, no retries, the command deadline;
 *  - `subscriber`: pub/sub listeners (reconnect and resubscribe by themselves);
 *  - `blocking`: BullMQ workers, whose blocking reads wait longer than any command
 *    deadline by design, so they get none (BullMQ requires maxRetriesPerRequest null).
 */
export function redisOptions(t: RedisTimeouts, role: 'command' | 'subscriber' | 'blocking'): RedisOptions {
  const base = { connectTimeout: t.connectMs };
  if (role === 'command') return { ...base, commandTimeout: t.commandMs, enableOfflineQueue: false, maxRetriesPerRequest: 0 };
  if (role === 'subscriber') return { ...base, commandTimeout: t.commandMs, maxRetriesPerRequest: null };
  return { ...base, maxRetriesPerRequest: null };
}
