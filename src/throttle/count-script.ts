/**
 * One throttle check in one Redis command: a Lua script that counts the request under
 * each request budget and reads every failure budget and lockout counter a check needs.
 * The counting is rate-limiter-flexible's own (a fixed window opened by `SET key 0 EX
 * duration NX`, then INCR and PTTL), so its keys stay readable and writable by the
 * counters' other operations (failures, blocks, resets). All keys of one check go to
 * one server: with Redis Cluster they would need one hash slot (as the MGET before did).
 */
import type { Redis } from 'ioredis';
import type { Count } from './counter.js';

// KEYS: the n counted keys, then the keys only read. ARGV[1] = n; ARGV[1 + i] = window (s) of counted key i.
// Returns count, pttl per counted key, then the value of each read key (0 when absent).
const LUA = `
local n = tonumber(ARGV[1])
local out = {}
for i = 1, n do
  local k, window = KEYS[i], ARGV[1 + i]
  redis.call('SET', k, 0, 'EX', window, 'NX')
  local consumed = redis.call('INCR', k)
  local ttl = redis.call('PTTL', k)
  if ttl == -1 then
    redis.call('EXPIRE', k, window)
    ttl = 1000 * tonumber(window)
  end
  out[#out + 1] = consumed
  out[#out + 1] = ttl
end
for i = n + 1, #KEYS do
  out[#out + 1] = tonumber(redis.call('GET', KEYS[i]) or '0')
end
return out`;

export interface CountItem { storeKey: string; windowSec: number }

/** Counts `counted` and reads `read` in one round trip. */
export type CountScript = (counted: CountItem[], read: string[]) => Promise<{ hits: Count[]; values: number[] }>;

/** Defines the script on `redis` (once per connection). */
export function createCountScript(redis: Redis): CountScript {
  redis.defineCommand('portcullisThrottleCheck', { lua: LUA });
  const run = (redis as unknown as Record<string, (...args: (string | number)[]) => Promise<number[]>>).portcullisThrottleCheck.bind(redis);
  return async (counted, read) => {
    if (redis.status !== 'ready') throw new Error('Redis connection is not ready');
    const out = await run(counted.length + read.length, ...counted.map((c) => c.storeKey), ...read, counted.length, ...counted.map((c) => c.windowSec));
    const hits = counted.map((_, i) => ({ consumed: Number(out[2 * i]), resetMs: Math.max(0, Number(out[2 * i + 1])) }));
    return { hits, values: out.slice(2 * counted.length).map(Number) };
  };
}
