/**
 * `npm run bench`: Portcullis against bare baselines on loopback, with autocannon.
 *
 *   (a) issuance: POST /token client_credentials (client_secret_basic) on Portcullis
 *       (throttling on, budgets too large to refuse; and, in the same run, off)
 *       vs a bare oidc-provider 9 issuing its own signed-then-encrypted JWT tokens;
 *   (b) introspection of one live, already-seen token on Portcullis vs the bare
 *       oidc-provider introspecting one of its opaque tokens (and, for reference, a
 *       bare Koa POST handler given the same bytes);
 * plus the single-core crypto ceiling (sealToken/openToken with no HTTP), the
 * resource-server SDK's local verification against the ceiling of the same steps, and the
 * throttle check's own CPU (memory, and Redis when DATABASE_URL and REDIS_URL are set). Every
 * server runs in its own child process; only one is under load at a time, and each
 * Portcullis run sits next to its baseline run (order alternating per round), so
 * background load on a shared machine skews both sides of a ratio alike.
 *
 * Env: BENCH_SECONDS (10), BENCH_WARMUP (2; BENCH_FIRST_WARMUP, 6, before a server's
 * first run), BENCH_CONNECTIONS (32), BENCH_ROUNDS (3;
 * the median round per server is reported), BENCH_CRYPTO_SECONDS (3 per operation), BENCH_PROFILE=1
 * (extra runs of the embedded issuer under --cpu-prof, summarised), DATABASE_URL
 * [+ REDIS_URL] (adds a cluster-mode Portcullis, and the same on every core:
 * WEB_CONCURRENCY=auto, measured next to the one-process cluster issuer).
 * Exits 1 if any request fails (non-2xx, error or unexpected body).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startNode, waitForHttp, type Child } from './bench/children.js';
import { cpuSeconds } from './bench/cpu-time.js';
import { cryptoCeiling } from './bench/crypto-ceiling.js';
import { sdkTable, sdkVerification } from './bench/sdk-verify.js';
import { measure, type LoadFigures, type LoadOptions } from './bench/load.js';
import { startPortcullis, type PortcullisOptions, type RunningPortcullis, type Target } from './bench/portcullis.js';
import { formatSummary, monotonicMicros, readProfile, summarise } from './bench/profile-summary.js';
import { cryptoTable, httpTable, load, machine, type Comparison } from './bench/report.js';
import { throttleCost, throttleTable } from './bench/throttle-cost.js';
import { introspectionRequest, obtainToken, OPAQUE_AUDIENCE, send, tokenRequest, type HttpRequest } from './bench/requests.js';

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a non-negative number`);
  return value;
}

const SECONDS = Math.max(1, setting('BENCH_SECONDS', 10));
const WARMUP = setting('BENCH_WARMUP', 2);
const FIRST_WARMUP = setting('BENCH_FIRST_WARMUP', 6);
const CONNECTIONS = Math.max(1, Math.round(setting('BENCH_CONNECTIONS', 32)));
const ROUNDS = Math.max(1, Math.round(setting('BENCH_ROUNDS', 3)));
const CRYPTO_SECONDS = setting('BENCH_CRYPTO_SECONDS', 3);
const PROFILE = Boolean(process.env.BENCH_PROFILE);

// Throttling: "on" runs every request through every budget and lockout check,
// with budgets too large to refuse anything (the figure is the limiter's cost, not its
// refusals); "off" is THROTTLE_ENABLED=false.
const HUGE = 'ip=999999999/1m,client=999999999/1m';
const THROTTLE_ON = { THROTTLE_TOKEN: HUGE, THROTTLE_INTROSPECT: HUGE, THROTTLE_REVOKE: HUGE };
const THROTTLE_OFF = { THROTTLE_ENABLED: 'false' };

const log = (line = '') => process.stdout.write(line + '\n');
const issued = (body: string) => body.includes('"access_token"');
const active = (body: string) => body.includes('"active":true');
const loadOpts = (verify: (body: string) => boolean): LoadOptions => ({ connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP, verify });

/** One thing to put under load: a server (its pid, for CPU time) and the request it answers. */
interface Run { label: string; pid?: number; req: HttpRequest; verify(body: string): boolean; results: LoadFigures[] }
const run = (label: string, pid: number | undefined, req: HttpRequest, verify: (body: string) => boolean): Run => ({ label, pid, req, verify, results: [] });

/** Introspects once so the token is "seen" (its open result cached) and checks it is active. */
async function firstIntrospection(target: Target, token: string): Promise<void> {
  const { status, json } = await send(introspectionRequest(target, token));
  if (status !== 200 || json.active !== true) throw new Error(`introspection of a fresh token at ${target.url}: ${status} ${JSON.stringify(json)}`);
}

async function startChild(name: string, script: string, env: NodeJS.ProcessEnv, readyPath: string): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = startNode(name, script, { ...process.env, ...env, BENCH_PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(child, url + readyPath);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { child, url };
}

/** A Portcullis issuer with a live, already-introspected token. */
async function portcullisRuns(issuer: RunningPortcullis): Promise<{ issuance: Run; introspection: Run; token: string }> {
  const token = await obtainToken(issuer);
  await firstIntrospection(issuer, token);
  const name = issuer.label;
  const pid = issuer.child.process.pid;
  return { issuance: run(name, pid, tokenRequest(issuer), issued), introspection: run(name, pid, introspectionRequest(issuer, token), active), token };
}

/** The bare oidc-provider: JWT issuance, and introspection of one of its opaque tokens. */
async function bareProviderRuns(like: Target, stoppers: Child[]): Promise<{ issuance: Run; introspection: Run }> {
  const env = { BENCH_CLIENT_ID: like.clientId, BENCH_CLIENT_SECRET: like.clientSecret, BENCH_AUDIENCE: like.audience, BENCH_SCOPES: like.scopes };
  const { child, url } = await startChild('bare oidc-provider', 'scripts/bench/bare-provider.js', env, '/.well-known/openid-configuration');
  stoppers.push(child);
  const target = { ...like, url };
  await obtainToken(target, 1);
  const opaque = { ...target, audience: OPAQUE_AUDIENCE };
  const token = await obtainToken(opaque, 1);
  await firstIntrospection(opaque, token);
  const name = 'bare oidc-provider';
  const pid = child.process.pid;
  return {
    issuance: run(`${name} (jwt, ES256 + dir/A256GCM)`, pid, tokenRequest(target), issued),
    introspection: run(`${name} /introspect (opaque, memory adapter)`, pid, introspectionRequest(opaque, token), active),
  };
}

/** The same request bytes Portcullis's introspection receives, answered by the cheapest Koa handler. */
async function bareKoaRun(like: Target, token: string, stoppers: Child[]): Promise<Run> {
  const { child, url } = await startChild('bare koa', 'scripts/bench/bare-koa.js', {}, '/');
  stoppers.push(child);
  return run('bare koa POST', child.process.pid, introspectionRequest(like, token, `${url}/introspect`), active);
}

/** Each group is measured back to back, in alternating order per round. */
async function measureRounds(groups: Run[][]): Promise<void> {
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const group of groups) {
      for (const r of round % 2 === 0 ? group : [...group].reverse()) {
        log(`round ${round + 1}/${ROUNDS}: ${r.label} ...`);
        // a fresh process needs several seconds before its WASM (PGlite, Prisma's query compiler) and JS are hot
        const warmupSeconds = r.results.length === 0 ? Math.max(WARMUP, FIRST_WARMUP) : WARMUP;
        const serverCpu = r.pid === undefined ? undefined : () => cpuSeconds(r.pid as number);
        const f = await measure(r.label, r.req, { ...loadOpts(r.verify), warmupSeconds, serverCpu });
        r.results.push(f);
        log(`  ${Math.round(f.rps)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms, ${Math.round(f.cpuPerRequest)} µs server CPU/req`);
      }
    }
  }
}

/** The round with the median req/s. */
function median(r: Run): { name: string; figures: LoadFigures; rounds: LoadFigures[] } {
  const sorted = [...r.results].sort((a, b) => a.rps - b.rps);
  return { name: r.label, figures: sorted[Math.floor((sorted.length - 1) / 2)], rounds: r.results };
}

/** BENCH_PROFILE: one fresh embedded issuer per scenario under `--cpu-prof`, summarised. */
async function profileIssuer(scenario: 'issuance' | 'introspection'): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-prof-'));
  const issuer = await startPortcullis({ nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir], env: THROTTLE_ON });
  try {
    const runs = await portcullisRuns(issuer);
    const r = scenario === 'issuance' ? runs.issuance : runs.introspection;
    const started = monotonicMicros();
    const f = await measure(`profiled ${scenario}`, r.req, { ...loadOpts(r.verify), warmupSeconds: FIRST_WARMUP });
    const window = { from: started + FIRST_WARMUP * 1e6, to: monotonicMicros() };
    await issuer.stop();
    const title = `profile: portcullis embedded ${scenario}, ${Math.round(f.rps)} req/s under --cpu-prof, measured run only`;
    log(`\n${formatSummary(title, summarise(await readProfile(dir), window))}`);
  } finally {
    await issuer.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `WEB_CONCURRENCY=auto` in cluster mode: its introspection run. Server CPU is not
 * reported (the pid is the supervisor's; the work is in its children).
 */
async function startAllCores(mode: PortcullisOptions, cores: number, stoppers: { stop(): Promise<void> }[]): Promise<Run> {
  const issuer = await startPortcullis({ ...mode, env: { ...THROTTLE_ON, WEB_CONCURRENCY: 'auto' }, label: `portcullis cluster, all cores (${cores} processes)` });
  stoppers.push(issuer);
  const token = await obtainToken(issuer);
  for (let i = 0; i < cores; i++) await firstIntrospection(issuer, token); // each process sees the token once
  return run(issuer.label, undefined, introspectionRequest(issuer, token), active);
}

async function benchmark(stoppers: { stop(): Promise<void> }[]): Promise<void> {
  log('crypto ceiling: sealing and opening in-process ...');
  const crypto = await cryptoCeiling(CRYPTO_SECONDS, CONNECTIONS);
  log('SDK: local verification against the crypto ceiling ...');
  const sdk = await sdkVerification(CRYPTO_SECONDS, CONNECTIONS);
  log('throttle check cost: in-process ...');
  const throttling = await throttleCost(CRYPTO_SECONDS, process.env.DATABASE_URL ? process.env.REDIS_URL : undefined);
  const modes: PortcullisOptions[] = [{}];
  if (process.env.DATABASE_URL) modes.push({ databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL });
  const issuers: RunningPortcullis[] = [];
  const portcullis = [];
  const unthrottled: Run[] = [];
  const throttled: Run[] = [];
  for (const mode of modes) {
    const name = `portcullis ${mode.databaseUrl ? 'cluster' : 'embedded'}`;
    const issuer = await startPortcullis({ ...mode, env: THROTTLE_ON, label: name });
    stoppers.push(issuer);
    issuers.push(issuer);
    portcullis.push(await portcullisRuns(issuer));
    // Throttling on vs off: two issuers that do nothing else, started back to back, so
    // the ratio compares like with like (the issuer above also serves the introspection
    // runs, which the "off" issuer never did).
    for (const [env, list, label] of [[THROTTLE_ON, throttled, `${name}, throttle on`], [THROTTLE_OFF, unthrottled, `${name}, throttle off`]] as const) {
      const started = await startPortcullis({ ...mode, env, label });
      stoppers.push(started);
      list.push((await portcullisRuns(started)).issuance);
    }
  }
  // all cores: the supervisor and one cluster-mode issuer per core, next to the one-process cluster issuer
  const cores = availableParallelism();
  const allCores = process.env.DATABASE_URL ? await startAllCores(modes[1], cores, stoppers) : undefined;
  const children: Child[] = [];
  try {
    const bare = await bareProviderRuns(issuers[0], children);
    const koa = await bareKoaRun(issuers[0], portcullis[0].token, children);
    // each mode's baselines keep their own rounds (the runs measured next to that mode's), so every ratio pairs
    const baselines = portcullis.map(() => ({ issuance: { ...bare.issuance, results: [] }, introspection: { ...bare.introspection, results: [] }, koa: { ...koa, results: [] } }));
    await measureRounds([
      ...portcullis.map((p, i) => [p.issuance, baselines[i].issuance, throttled[i], unthrottled[i]]),
      ...portcullis.map((p, i) => [p.introspection, baselines[i].introspection, baselines[i].koa, ...(i === 1 && allCores ? [allCores] : [])]),
    ]);
    // the floors: issuance >= 0.9x a bare oidc-provider issuing its own (signed, then
    // encrypted) JWTs; introspection of a seen token >= 1.5x its introspection of its own
    // opaque tokens, p99 under 20 ms
    const comparisons: Comparison[] = portcullis.flatMap((p, i) => [
      { scenario: 'issuance', subject: median(p.issuance), baseline: median(baselines[i].issuance), goal: 0.9 },
      { scenario: 'issuance: throttle on vs off', subject: median(throttled[i]), baseline: median(unthrottled[i]) },
      { scenario: 'introspection (seen token)', subject: median(p.introspection), baseline: median(baselines[i].introspection), goal: 1.5, p99Below: 20, references: [median(baselines[i].koa)] },
      ...(i === 1 && allCores ? [{ scenario: `introspection: all ${cores} cores vs one process`, subject: median(allCores), baseline: median(p.introspection) }] : []),
    ]);
    log(`\n${httpTable(comparisons)}\n`);
    log(cryptoTable(crypto, [...portcullis.map((p) => p.issuance), baselines[0].issuance].map(median)));
    log(`\n${sdkTable(sdk)}`);
    log(`\n${throttleTable(throttling)}`);
  } finally {
    for (const child of children) await child.stop();
  }
}

async function main(): Promise<void> {
  log(`# Portcullis benchmark\n${machine()}`);
  log(`load: ${SECONDS}s per run after ${WARMUP}s warm-up, ${CONNECTIONS} connections, ${ROUNDS} round(s), loopback, autocannon in the bench process\n`);
  const stoppers: { stop(): Promise<void> }[] = [];
  try {
    await benchmark(stoppers);
  } finally {
    for (const s of stoppers.reverse()) await s.stop();
  }
  if (PROFILE) for (const scenario of ['issuance', 'introspection'] as const) await profileIssuer(scenario);
  log(`\nload average at end: ${load()}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
