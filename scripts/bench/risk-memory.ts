/**
 * The risk memory with many users held: fills Redis with the last places of `users`
 * distinct subjects through the real store (createRedisMemory), then reports the memory
 * Redis uses for them (INFO memory, MEMORY USAGE of one key) and what one check costs:
 * a last-place swap alone, and an introspection's three checks (travel, replay, recent
 * failures) sent together, one at a time (latency) and 32 in flight (throughput), next
 * to the same checks on process memory.
 */

import { Redis } from 'ioredis';
import { createLocalMemory, createRedisMemory, type RiskMemory } from '../../src/risk/index.js';

export interface MemoryFigures { users: number; usedBefore: number; usedAfter: number; perUser: number; sampleKeyBytes: number; fillSeconds: number }
export interface CheckFigures { store: string; check: string; p50: number; p99: number; mean: number; cpuMicros: number; inFlight32PerSecond: number }

const KEEP_MS = 22 * 3_600_000;
const subject = (i: number) => `u${String(i).padStart(21, '0')}`; // 22 characters, as a subject key (16 bytes, base64url)

const usedMemory = async (redis: Redis) => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);

/** Fills `users` last places in batches of 1,000 (one write each, auto-pipelined). */
export async function fill(redis: Redis, memory: RiskMemory, users: number): Promise<MemoryFigures> {
  const usedBefore = await usedMemory(redis);
  const started = Date.now();
  for (let i = 0; i < users; i += 1000) {
    const at = Date.now();
    await Promise.all(Array.from({ length: Math.min(1000, users - i) }, (_, j) => memory.swapPlace(subject(i + j), { country: 'GB', lat: 51.5142, lon: -0.0931, at }, KEEP_MS)));
  }
  const fillSeconds = (Date.now() - started) / 1000;
  const usedAfter = await usedMemory(redis);
  const sample = (await redis.keys('bench:risk:p:u000000000000000000042'))[0];
  const sampleKeyBytes = Number(await redis.call('MEMORY', 'USAGE', sample, 'SAMPLES', '0'));
  return { users, usedBefore, usedAfter, perUser: (usedAfter - usedBefore) / users, sampleKeyBytes, fillSeconds };
}

type Check = (i: number) => Promise<unknown>;

/** The two checks measured: a last-place swap, and what an introspection with a presenter sends. */
function checks(memory: RiskMemory, users: number): [string, Check][] {
  const place = (i: number) => memory.swapPlace(subject((i * 7919) % users), { country: 'GB', lat: 51.5, lon: -0.09, at: Date.now() }, KEEP_MS);
  return [
    ['last place (travel)', place],
    ['introspection: travel + replay + failures', (i) => Promise.all([place(i), memory.distinct('presented', `jti-${i % 5000}`, '203.0.113.7|', Date.now(), 300_000), memory.peekCount('failure', '203.0.113.7', Date.now(), 900_000)])],
  ];
}

async function measure(store: string, name: string, check: Check, n: number): Promise<CheckFigures> {
  for (let i = 0; i < 500; i++) await check(i); // warm-up
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await check(i);
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  const started = Date.now();
  let done = 0;
  while (Date.now() - started < 2000) {
    await Promise.all(Array.from({ length: 32 }, (_, j) => check(done + j)));
    done += 32;
  }
  return {
    store, check: name, p50: times[Math.floor(n / 2)], p99: times[Math.floor(n * 0.99)], mean: times.reduce((s, x) => s + x, 0) / n,
    cpuMicros: (used.user + used.system) / n, inFlight32PerSecond: done / ((Date.now() - started) / 1000),
  };
}

/** Fills `users` places in the Redis at `url` (flushes nothing: give it a Redis of its own) and measures. */
export async function riskMemoryCost(url: string, users: number, n = 5000): Promise<{ memory: MemoryFigures; checks: CheckFigures[] }> {
  const redis = new Redis(url, { enableAutoPipelining: true });
  try {
    const memory = createRedisMemory(redis, 'bench:risk');
    const filled = await fill(redis, memory, users);
    const local = createLocalMemory({ maxPlaces: users });
    for (let i = 0; i < Math.min(users, 100_000); i++) await local.swapPlace(subject(i), { country: 'GB', lat: 51.5, lon: -0.09, at: 0 }, KEEP_MS);
    const results: CheckFigures[] = [];
    for (const [store, m] of [['process memory', local], ['Redis', memory]] as const) {
      for (const [name, check] of checks(m, store === 'Redis' ? users : Math.min(users, 100_000))) results.push(await measure(store, name, check, n));
    }
    return { memory: filled, checks: results };
  } finally {
    redis.disconnect();
  }
}


