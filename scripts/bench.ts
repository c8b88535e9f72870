/**
 * `npm run bench`: Portcullis against bare baselines on loopback, with autocannon.
 *
 *   (a) issuance: POST /token client_credentials (client_secret_basic) on Portcullis
 *       vs a bare oidc-provider 9 issuing its own signed-then-encrypted JWT tokens;
 *   (b) introspection of one live, already-seen token on Portcullis vs a bare Koa
 *       POST handler;
 * plus the single-core crypto ceiling (sealToken/openToken with no HTTP). Every
 * server runs in its own child process; only one is under load at a time.
 *
 * Env: BENCH_SECONDS (10), BENCH_WARMUP (2), BENCH_CONNECTIONS (32),
 * BENCH_CRYPTO_SECONDS (3), BENCH_PROFILE=1 (extra profiled runs of the issuer),
 * DATABASE_URL [+ REDIS_URL] (adds a cluster-mode Portcullis run).
 * Exits 1 if any request fails (non-2xx, error or unexpected body).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startNode, waitForHttp, type Child } from './bench/children.js';
import { cryptoCeiling } from './bench/crypto-ceiling.js';
import { measure, type LoadFigures, type LoadOptions } from './bench/load.js';
import { startPortcullis, type PortcullisOptions, type Target } from './bench/portcullis.js';
import { formatSummary, readProfile, summarise } from './bench/profile-summary.js';
import { cryptoTable, httpTable, load, machine, type Comparison } from './bench/report.js';
import { introspectionRequest, obtainToken, send, tokenRequest } from './bench/requests.js';

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a non-negative number`);
  return value;
}

const SECONDS = setting('BENCH_SECONDS', 10);
const WARMUP = setting('BENCH_WARMUP', 2);
const CONNECTIONS = Math.max(1, Math.round(setting('BENCH_CONNECTIONS', 32)));
const CRYPTO_SECONDS = setting('BENCH_CRYPTO_SECONDS', 3);
const PROFILE = Boolean(process.env.BENCH_PROFILE);

const log = (line = '') => process.stdout.write(line + '\n');
const issued = (body: string) => body.includes('"access_token"');
const active = (body: string) => body.includes('"active":true');
const loadOpts = (verify: (body: string) => boolean): LoadOptions => ({ connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP, verify });

interface PortcullisFigures { mode: string; issuance: LoadFigures; introspection: LoadFigures; token: string; target: Target }

/** Introspects once so the token is "seen" (its open result cached) and checks it is active. */
async function firstIntrospection(target: Target, token: string): Promise<void> {
  const { status, json } = await send(introspectionRequest(target, token));
  if (status !== 200 || json.active !== true) throw new Error(`introspection of a fresh token: ${status} ${JSON.stringify(json)}`);
}

async function benchPortcullis(opts: PortcullisOptions): Promise<PortcullisFigures> {
  const issuer = await startPortcullis(opts);
  try {
    const label = `portcullis ${issuer.mode}`;
    const token = await obtainToken(issuer);
    log(`${label}: measuring issuance ...`);
    const issuance = await measure(`${label} issuance`, tokenRequest(issuer), loadOpts(issued));
    await firstIntrospection(issuer, token);
    log(`${label}: measuring introspection ...`);
    const introspection = await measure(`${label} introspection`, introspectionRequest(issuer, token), loadOpts(active));
    return { mode: issuer.mode, issuance, introspection, token, target: issuer };
  } finally {
    await issuer.stop();
  }
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

async function benchBareProvider(like: Target): Promise<LoadFigures> {
  const env = { BENCH_CLIENT_ID: like.clientId, BENCH_CLIENT_SECRET: like.clientSecret, BENCH_AUDIENCE: like.audience, BENCH_SCOPES: like.scopes };
  const { child, url } = await startChild('bare oidc-provider', 'scripts/bench/bare-provider.js', env, '/.well-known/openid-configuration');
  try {
    const target = { ...like, url };
    await obtainToken(target, 1);
    log('bare oidc-provider: measuring issuance ...');
    return await measure('bare oidc-provider issuance', tokenRequest(target), loadOpts(issued));
  } finally {
    await child.stop();
  }
}

/** The same request bytes Portcullis received, answered by the cheapest Koa handler. */
async function benchBareKoa(like: Target, token: string): Promise<LoadFigures> {
  const { child, url } = await startChild('bare koa', 'scripts/bench/bare-koa.js', {}, '/');
  try {
    log('bare koa: measuring introspection baseline ...');
    return await measure('bare koa POST', introspectionRequest(like, token, `${url}/introspect`), loadOpts(active));
  } finally {
    await child.stop();
  }
}

/** BENCH_PROFILE: one fresh issuer per scenario under `--cpu-prof`, summarised. */
async function profileIssuer(scenario: 'issuance' | 'introspection'): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-prof-'));
  const issuer = await startPortcullis({ nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
  try {
    const token = await obtainToken(issuer);
    await firstIntrospection(issuer, token);
    const req = scenario === 'issuance' ? tokenRequest(issuer) : introspectionRequest(issuer, token);
    const f = await measure(`profiled ${scenario}`, req, { ...loadOpts(scenario === 'issuance' ? issued : active), warmupSeconds: 0 });
    await issuer.stop();
    log(`\n${formatSummary(`profile: portcullis embedded ${scenario}, ${Math.round(f.rps)} req/s under --cpu-prof`, summarise(await readProfile(dir)))}`);
  } finally {
    await issuer.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  log(`# Portcullis benchmark\n${machine()}`);
  log(`load: ${SECONDS}s per run after ${WARMUP}s warm-up, ${CONNECTIONS} connections, loopback, autocannon in the bench process\n`);
  log('crypto ceiling: sealing and opening in-process ...');
  const crypto = await cryptoCeiling(CRYPTO_SECONDS);
  const runs: PortcullisFigures[] = [await benchPortcullis({})];
  if (process.env.DATABASE_URL) runs.push(await benchPortcullis({ databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL }));
  const bareIssuance = await benchBareProvider(runs[0].target);
  const bareIntrospection = await benchBareKoa(runs[0].target, runs[0].token);
  const comparisons: Comparison[] = runs.flatMap((r) => [
    { scenario: 'issuance', subject: { name: `portcullis ${r.mode}`, figures: r.issuance }, baseline: { name: 'bare oidc-provider (jwt, ES256 + dir/A256GCM)', figures: bareIssuance }, goal: 0.9 },
    { scenario: 'introspection (seen token)', subject: { name: `portcullis ${r.mode}`, figures: r.introspection }, baseline: { name: 'bare koa POST', figures: bareIntrospection }, goal: 0.5 },
  ]);
  log(`\n${httpTable(comparisons)}\n`);
  log(cryptoTable(crypto, [...runs.map((r) => ({ name: `portcullis ${r.mode}`, rps: r.issuance.rps })), { name: 'bare oidc-provider', rps: bareIssuance.rps }]));
  if (PROFILE) for (const scenario of ['issuance', 'introspection'] as const) await profileIssuer(scenario);
  log(`\nload average at end: ${load()}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
