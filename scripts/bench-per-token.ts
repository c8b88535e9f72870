/**
 * `npm run bench:per-token`: what one cluster-mode issuer process asks of PostgreSQL and
 * Redis per token issued, introspected (a seen token; and with the presenter's address,
 * which adds the risk checks) and revoked, counted on the wire by proxies in front of
 * both (docs/scaling.md). Needs DATABASE_URL; starts a redis-server of its own on
 * BENCH_REDIS_PORT (19380) and stops it. Idle traffic (key reloads, the revocation
 * mirror's polls) is measured over the same time and subtracted. BENCH_OPS (300) per phase.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { startCountingProxy, type Counts, type CountingProxy } from './bench/counting-proxy.js';
import { startPortcullis, type RunningPortcullis } from './bench/portcullis.js';
import { basicAuth, introspectionRequest, obtainToken, send, tokenRequest, type HttpRequest } from './bench/requests.js';

const OPS = Number(process.env.BENCH_OPS ?? 300);
const REDIS_PORT = Number(process.env.BENCH_REDIS_PORT ?? 19380);
const log = (line = '') => process.stdout.write(line + '\n');

interface Snapshot { at: number; pg: Counts; redis: Counts; commands: number; scripts: number }
interface Phase { name: string; pg: Counts; redis: Counts; commands: number; scripts: number }

/** Commands Redis executed (those inside scripts included, INFO left out), and script calls. */
async function commandStats(redis: Redis): Promise<{ commands: number; scripts: number }> {
  const info = await redis.info('commandstats');
  let commands = 0;
  let scripts = 0;
  for (const m of info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) {
    if (m[1] === 'info') continue;
    commands += Number(m[2]);
    if (m[1] === 'evalsha' || m[1] === 'eval') scripts += Number(m[2]);
  }
  return { commands, scripts };
}

async function snapshot(pg: CountingProxy, redisProxy: CountingProxy, redis: Redis): Promise<Snapshot> {
  return { at: Date.now(), pg: pg.counts(), redis: redisProxy.counts(), ...await commandStats(redis) };
}

const minus = (a: Counts, b: Counts, idle: Counts, f: number): Counts => ({ up: a.up - b.up - idle.up * f, down: a.down - b.down - idle.down * f, roundTrips: a.roundTrips - b.roundTrips - idle.roundTrips * f });

async function measure(name: string, ctx: { pg: CountingProxy; redisProxy: CountingProxy; redis: Redis; idle: Phase & { ms: number } }, op: (i: number) => Promise<void>): Promise<Phase> {
  const before = await snapshot(ctx.pg, ctx.redisProxy, ctx.redis);
  for (let i = 0; i < OPS; i++) await op(i);
  const after = await snapshot(ctx.pg, ctx.redisProxy, ctx.redis);
  const f = (after.at - before.at) / ctx.idle.ms; // idle traffic over the same time
  const per = (c: Counts): Counts => ({ up: c.up / OPS, down: c.down / OPS, roundTrips: c.roundTrips / OPS });
  return {
    name, pg: per(minus(after.pg, before.pg, ctx.idle.pg, f)), redis: per(minus(after.redis, before.redis, ctx.idle.redis, f)),
    commands: (after.commands - before.commands - ctx.idle.commands * f) / OPS,
    scripts: (after.scripts - before.scripts - ctx.idle.scripts * f) / OPS,
  };
}

async function ok(req: HttpRequest, check: (status: number, json: Record<string, unknown>) => boolean): Promise<void> {
  const { status, json } = await send(req);
  if (!check(status, json)) throw new Error(`${req.url}: ${status} ${JSON.stringify(json)}`);
}

function revokeRequest(target: RunningPortcullis, token: string): HttpRequest {
  return { url: `${target.url}/revoke`, method: 'POST', headers: { authorization: basicAuth(target.clientId, target.clientSecret), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() };
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required (cluster mode)');
  const server = spawn('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const redis = new Redis(REDIS_PORT, '127.0.0.1', { retryStrategy: (t) => (t > 100 ? null : 50) });
  redis.on('error', () => undefined); // refused until redis-server listens; the ping below waits for it
  const pgTarget = new URL(databaseUrl);
  const pg = await startCountingProxy({ host: pgTarget.hostname, port: Number(pgTarget.port || 5432) }, true);
  const redisProxy = await startCountingProxy({ host: '127.0.0.1', port: REDIS_PORT });
  pgTarget.host = `127.0.0.1:${pg.port}`;
  let issuer: RunningPortcullis | undefined;
  try {
    await redis.ping();
    issuer = await startPortcullis({ databaseUrl: pgTarget.href, redisUrl: `redis://127.0.0.1:${redisProxy.port}`, env: { THROTTLE_INTROSPECT: 'ip=999999999/1m,client=999999999/1m', THROTTLE_TOKEN: 'ip=999999999/1m,client=999999999/1m', THROTTLE_REVOKE: 'ip=999999999/1m,client=999999999/1m' } });
    const target = issuer;
    const seen = await obtainToken(target);
    await ok(introspectionRequest(target, seen), (s, j) => s === 200 && j.active === true);
    const start = await snapshot(pg, redisProxy, redis);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const end = await snapshot(pg, redisProxy, redis);
    const idle = { name: 'idle', ms: end.at - start.at, pg: minus(end.pg, start.pg, { up: 0, down: 0, roundTrips: 0 }, 0), redis: minus(end.redis, start.redis, { up: 0, down: 0, roundTrips: 0 }, 0), commands: end.commands - start.commands, scripts: end.scripts - start.scripts };
    const ctx = { pg, redisProxy, redis, idle };
    const toRevoke: string[] = [];
    const phases = [
      await measure('issue (client_credentials)', ctx, async () => { toRevoke.push(await obtainToken(target)); }),
      await measure('introspect a seen token', ctx, () => ok(introspectionRequest(target, seen), (s, j) => s === 200 && j.active === true)),
      // one presenter: every check runs (travel needs a user token; a client's own has none), no signal is raised
      await measure('introspect with presenter_ip (risk checks)', ctx, () => ok({ ...introspectionRequest(target, seen), body: new URLSearchParams({ token: seen, presenter_ip: '203.0.113.7' }).toString() }, (s, j) => s === 200 && j.active === true)),
      await measure('revoke', ctx, (i) => ok(revokeRequest(target, toRevoke[i]), (s) => s === 200)),
    ];
    log(`# per token, one cluster-mode issuer process (${OPS} each, sequential; idle traffic subtracted: ${idle.pg.roundTrips} PostgreSQL round trips and ${idle.commands} Redis commands in ${(idle.ms / 1000).toFixed(1)} s), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    log('| operation | PostgreSQL round trips | PostgreSQL bytes sent / received | Redis scripts called | Redis commands executed (in scripts too) | Redis bytes sent / received |');
    log('|---|---:|---:|---:|---:|---:|');
    const n = (x: number) => (Math.abs(x) < 0.05 ? '0' : x.toFixed(x < 10 ? 1 : 0));
    const scriptCost = /^cmdstat_evalsha:calls=\d+,usec=\d+,usec_per_call=([\d.]+)/m.exec(await redis.info('commandstats'))?.[1];
    for (const p of phases) log(`| ${p.name} | ${n(p.pg.roundTrips)} | ${n(p.pg.up)} / ${n(p.pg.down)} | ${n(p.scripts)} | ${n(p.commands)} | ${n(p.redis.up)} / ${n(p.redis.down)} |`);
    log(`\nRedis's own time per script call (INFO commandstats, evalsha usec_per_call): ${scriptCost} µs`);
  } finally {
    await issuer?.stop();
    await pg.close();
    await redisProxy.close();
    redis.disconnect();
    server.kill('SIGKILL');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:per-token: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
