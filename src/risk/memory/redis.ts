/**
 * The memory in Redis, shared by every issuer process and kept across their restarts.
 * Each operation is one Lua script (one round trip, atomic, so two processes counting
 * the same key at once both see the right count); keys expire once nothing in them can
 * matter any more (a window's length, a last place's `keepMs`).
 *
 *   last place   STRING "at|country|lat|lon"           PX keepMs
 *   count        ZSET   member unique, score at (ms)   PX windowMs
 *   distinct     ZSET   member the value, score its newest at
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { MAX_PER_KEY, type LastPlace, type RiskMemory, type Space } from './types.js';

type Script = (key: string, ...args: (string | number)[]) => Promise<unknown>;

const PLACE = `
local old = redis.call('GET', KEYS[1])
if old and tonumber(string.match(old, '^[^|]+')) > tonumber(ARGV[2]) then return old end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return old`;

// ARGV: at, windowMs, member. The window is (at - windowMs, at]: an entry stamped later
// by a process whose clock runs ahead is not counted yet, as in process memory.
const COUNT = `
local at = tonumber(ARGV[1])
local lo = at - tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', lo)
redis.call('ZADD', KEYS[1], at, ARGV[3])
if redis.call('ZCARD', KEYS[1]) > ${MAX_PER_KEY} then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZCOUNT', KEYS[1], '(' .. lo, at)`;

// ARGV: at, windowMs, value. Returns {before, after}.
const DISTINCT = `
local at = tonumber(ARGV[1])
local lo = at - tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', lo)
local before = redis.call('ZCOUNT', KEYS[1], '(' .. lo, at)
local seen = redis.call('ZSCORE', KEYS[1], ARGV[3])
if not seen or tonumber(seen) < at then redis.call('ZADD', KEYS[1], at, ARGV[3]) end
if redis.call('ZCARD', KEYS[1]) > ${MAX_PER_KEY} then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {before, redis.call('ZCOUNT', KEYS[1], '(' .. lo, at)}`;

const SPACE_TAG: Record<Space, string> = { failure: 'f', invalid: 'i', presented: 'r', fingerprint: 'v' };

/** The memory on `redis` under `prefix` (the caller owns the connection). */
export function createRedisMemory(redis: Redis, prefix: string): RiskMemory {
  const place = script(redis, 'portcullisRiskPlace', PLACE);
  const count = script(redis, 'portcullisRiskCount', COUNT);
  const distinct = script(redis, 'portcullisRiskDistinct', DISTINCT);
  const origin = randomBytes(6).toString('base64url'); // with `seq`, makes each counted event a member of its own
  let seq = 0;
  const key = (space: Space, k: string) => `${prefix}:${SPACE_TAG[space]}:${k}`;
  return {
    async swapPlace(subject, p, keepMs) {
      const old = await place(`${prefix}:p:${subject}`, `${p.at}|${p.country}|${p.lat}|${p.lon}`, p.at, Math.max(1, Math.ceil(keepMs)));
      return typeof old === 'string' ? parsePlace(old) : undefined;
    },
    async count(space, k, at, windowMs) {
      return Number(await count(key(space, k), at, windowMs, `${at}:${origin}:${(seq = (seq + 1) % 1e9)}`));
    },
    async peekCount(space, k, at, windowMs) {
      return redis.zcount(key(space, k), `(${at - windowMs}`, at);
    },
    async distinct(space, k, value, at, windowMs) {
      const [before, after] = (await distinct(key(space, k), at, windowMs, value)) as [number, number];
      return { before: Number(before), after: Number(after) };
    },
    async close() {},
  };
}

function script(redis: Redis, name: string, lua: string): Script {
  redis.defineCommand(name, { numberOfKeys: 1, lua });
  const commands = redis as unknown as Record<string, Script>;
  return (k, ...args) => commands[name](k, ...args);
}

function parsePlace(s: string): LastPlace | undefined {
  const [at, country, lat, lon] = s.split('|');
  const p = { at: Number(at), country, lat: Number(lat), lon: Number(lon) };
  return Number.isFinite(p.at) && Number.isFinite(p.lat) && Number.isFinite(p.lon) && country !== undefined ? p : undefined;
}
