/**
 * The throttle's own CPU per /token check, in-process and without HTTP: the memory
 * limiter (embedded mode) and, given a Redis URL, the Redis one (cluster mode; the
 * Redis server's own CPU is not counted). Budgets are too large to refuse anything, so
 * every check does its full work: two request counters, two failure budgets and the
 * client's lockout state.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/index.js';
import { createThrottle, type Throttle } from '../../src/throttle/index.js';

export interface ThrottleCost { store: string; checks: number; cpuMicros: number; perSecond: number }

const events = { limited: () => undefined, lockout: () => undefined, degraded: () => undefined, fallback: () => undefined };

async function measureChecks(throttle: Throttle, seconds: number): Promise<{ checks: number; cpuMicros: number; perSecond: number }> {
  const keys = { ip: '127.0.0.1', client: 'bench-client' };
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const until = Date.now() + seconds * 1000;
  let checks = 0;
  while (Date.now() < until) {
    // 32 in flight, as the HTTP load has
    const verdicts = await Promise.all(Array.from({ length: 32 }, () => throttle.check('token', keys)));
    if (verdicts.some((v) => !v.allowed)) throw new Error('throttle cost: a check was refused');
    checks += 32;
  }
  const used = process.cpuUsage(cpu);
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  return { checks, cpuMicros: (used.user + used.system) / checks, perSecond: checks / wall };
}

/** Measures memory and (if redisUrl) Redis checks for `seconds` each. */
export async function throttleCost(seconds: number, redisUrl?: string): Promise<ThrottleCost[]> {
  const huge = 'ip=999999999/1m,client=999999999/1m';
  const config = loadConfig({ THROTTLE_TOKEN: huge }).throttle;
  const log = pino({ level: 'silent' });
  const results: ThrottleCost[] = [];
  for (const url of redisUrl ? [undefined, redisUrl] : [undefined]) {
    const throttle = await createThrottle({ config, redisUrl: url, namespace: `bench_${randomBytes(4).toString('hex')}`, log, events });
    try {
      await measureChecks(throttle, Math.min(1, seconds)); // warm-up
      results.push({ store: url ? 'redis' : 'memory', ...(await measureChecks(throttle, seconds)) });
    } finally {
      await throttle.close();
    }
  }
  return results;
}

/** A markdown table of the figures. */
export function throttleTable(rows: ThrottleCost[]): string {
  const out = ['| throttle check (/token: ip + client), no HTTP | checks/s (32 in flight) | CPU µs each |', '|---|---:|---:|'];
  for (const r of rows) out.push(`| ${r.store} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${r.cpuMicros.toFixed(1)} |`);
  return out.join('\n');
}
