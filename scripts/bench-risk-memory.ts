/**
 * `npm run bench:risk-memory`: the risk memory with 1,000,000 distinct users' last
 * places held in Redis (docs/scaling.md). Starts a redis-server of its own on a spare
 * loopback port (BENCH_REDIS_PORT, default 19379; nothing persisted) and stops it at
 * the end. Env: BENCH_USERS (1000000), BENCH_CHECKS (5000 timed one at a time).
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { riskMemoryCost } from './bench/risk-memory.js';

const USERS = Number(process.env.BENCH_USERS ?? 1_000_000);
const CHECKS = Number(process.env.BENCH_CHECKS ?? 5000);
const PORT = Number(process.env.BENCH_REDIS_PORT ?? 19379);
const log = (line = '') => process.stdout.write(line + '\n');
const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

async function ping(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try { await probe.connect(); await probe.ping(); return; } catch { await new Promise((r) => setTimeout(r, 50)); } finally { probe.disconnect(); }
  }
  throw new Error(`no redis-server on ${url}`);
}

async function main(): Promise<void> {
  const server = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${PORT}`;
  try {
    await ping(url);
    log(`# risk memory: ${USERS.toLocaleString('en-US')} users' last places in Redis (${url}), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const { memory, checks } = await riskMemoryCost(url, USERS, CHECKS);
    log(`filled in ${memory.fillSeconds.toFixed(1)} s; used_memory ${mib(memory.usedBefore)} -> ${mib(memory.usedAfter)}: ${Math.round(memory.perUser)} bytes per user; MEMORY USAGE of one last place: ${memory.sampleKeyBytes} bytes\n`);
    log('| store | check | p50 µs | p99 µs | mean µs | client CPU µs/check | checks/s, 32 in flight |');
    log('|---|---|---:|---:|---:|---:|---:|');
    for (const c of checks) log(`| ${c.store} | ${c.check} | ${c.p50.toFixed(1)} | ${c.p99.toFixed(1)} | ${c.mean.toFixed(1)} | ${c.cpuMicros.toFixed(1)} | ${Math.round(c.inFlight32PerSecond).toLocaleString('en-US')} |`);
    log(`\nload average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    server.kill('SIGKILL');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:risk-memory: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
