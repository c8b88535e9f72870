/**
 * `npm run bench:revocation`: how fast a revocation reaches resource servers.
 *
 * Cluster mode, all real: issuer A and issuer B (two processes, one PostgreSQL schema,
 * Redis), one job worker process (`dist/src/worker.js`), and 1, 10, then 100 SDK
 * receivers (Koa + createSetReceiver) listening on loopback in this process. Two kinds
 * of revocation, measured the same way:
 *  - token: /revoke at A, timed from sending it;
 *  - subject: the admin CLI's `subject revoke` action (scripts/admin/subject-revoke.ts,
 *    run in this process so the CLI's start-up is not counted), timed from calling it.
 * For each it records, per receiver, the time until that receiver has applied the SET
 * to its revocation view (checked to refuse the token), and the time until /introspect
 * on B says active:false (plus how many introspections after the revocation answered
 * true: stale answers). Prints p50/p99. Needs PostgreSQL and Redis (BENCH_DATABASE_URL,
 * BENCH_REDIS_URL; defaults 127.0.0.1). BENCH_REVOCATIONS sets revocations per size
 * and kind.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import Koa from 'koa';
import pg from 'pg';
import { createSetReceiver, type SetReceiver, type VerifiedSet } from '@portcullis/sdk';
import { loadConfig } from '../src/config/index.js';
import { addReceiver, GENERATION_CLAIM } from '../src/events/index.js';
import { generateKek } from '../src/keys/index.js';
import { openDatabase } from '../src/storage/index.js';
import { openAdminContext, type AdminContext } from './admin/context.js';
import { revokeSubject } from './admin/subject-revoke.js';
import { freePort, runNode, startNode, waitForHttp, type Child } from './bench/children.js';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REVOCATIONS = Number(process.env.BENCH_REVOCATIONS ?? 20);
const SIZES = [1, 10, 100];
const AUDIENCE = 'https://bench.example/api';
const SCOPE = 'bench:read';
const CLIENT = 'bench-client';
const SECRET = randomBytes(32).toString('base64url');
const auth = `Basic ${Buffer.from(`${CLIENT}:${SECRET}`).toString('base64')}`;

/** Arrival times by what was revoked: `jti:<jti>` for a token, `gen:<generation>` for the subject. */
interface Receiver { receiver: SetReceiver; server: Server; arrivals: Map<string, { at: number; set: VerifiedSet }> }
type Kind = 'token' | 'subject';
interface Probe { jti: string; sub: string; sh?: string; gen?: number }

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function form(url: string, body: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(body), headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) as Record<string, unknown> : {};
}

async function startReceiverServer(issuer: string): Promise<{ r: Receiver; url: string }> {
  const arrivals = new Map<string, { at: number; set: VerifiedSet }>();
  // Arrival is recorded when the receiver has applied the SET to its view (onEvent runs
  // right after), so the bench process does not busy-poll 100 views.
  const receiver = createSetReceiver({
    issuer, audience: AUDIENCE, path: '/events',
    onEvent: (set) => { const key = arrivalKey(set); if (key) arrivals.set(key, { at: performance.now(), set }); },
  });
  const app = new Koa();
  app.use(receiver);
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const r = { receiver, server, arrivals };
  return { r, url: `http://127.0.0.1:${port}/events` };
}

function arrivalKey(set: VerifiedSet): string | undefined {
  if (typeof set.sub_id?.jti === 'string') return `jti:${set.sub_id.jti}`;
  const generation = Object.values(set.events)[0]?.[GENERATION_CLAIM];
  return typeof generation === 'number' ? `gen:${generation}` : undefined;
}

async function main(): Promise<void> {
  const schema = `bench_rev_${randomBytes(4).toString('hex')}`;
  const [portA, portB] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${portA}`;
  const env = {
    PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', DATABASE_URL, DATABASE_SCHEMA: schema, REDIS_URL,
    PORTCULLIS_KEK: generateKek(), ISSUER: issuer, JOB_QUEUE_PREFIX: `bench-${schema}`, HOST: '127.0.0.1',
    // each subject revocation is followed by a new token, which must be sealed under the new generation
    SUBJECT_CACHE_TTL: '0s',
    // the receivers run in this process, on loopback
    OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
  };
  const children: Child[] = [];
  const receivers: Receiver[] = [];
  const db = await openDatabase({ databaseUrl: DATABASE_URL, dataDir: '.', schema });
  let admin: AdminContext | undefined;
  try {
    const a = startNode('issuer A', 'src/main.js', { ...env, PORT: String(portA) });
    children.push(a);
    await waitForHttp(a, `${issuer}/healthz`);
    const b = startNode('issuer B', 'src/main.js', { ...env, PORT: String(portB) });
    children.push(b, startNode('worker', 'src/worker.js', env));
    await waitForHttp(b, `http://127.0.0.1:${portB}/healthz`);
    await runNode('scripts/admin.js', ['resource', 'add', '--audience', AUDIENCE, '--scopes', SCOPE], env);
    await runNode('scripts/admin.js', ['client', 'add', '--id', CLIENT, '--secret-stdin', '--scopes', SCOPE, '--audience', AUDIENCE], env, SECRET);
    admin = await openAdminContext(loadConfig(env));
    console.log(`bench:revocation: ${REVOCATIONS} revocations per size and kind; issuer A ${issuer}, issuer B :${portB}, 1 worker, receivers in this process`);
    console.log('| revocation | receivers | SDK refuses: p50 | p99 | max | /introspect on B false: p50 | p99 | stale answers |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const size of SIZES) {
      while (receivers.length < size) {
        const { r, url } = await startReceiverServer(issuer);
        receivers.push(r);
        await addReceiver(db, { clientId: CLIENT, audience: AUDIENCE, delivery: 'push', endpointUrl: url });
      }
      await round('token', { issuer, portB, receivers, size, admin });
      await round('subject', { issuer, portB, receivers, size, admin });
    }
  } finally {
    await admin?.close();
    for (const c of children.reverse()) await c.stop();
    for (const r of receivers) r.server.close();
    await db.close();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

interface World { issuer: string; portB: number; receivers: Receiver[]; size: number; admin: AdminContext }

/** Revokes `token` (or its whole subject); returns when the revocation call returned and the key its SETs arrive under. */
async function revoke(kind: Kind, w: World, token: string, probe: Probe): Promise<string> {
  if (kind === 'token') {
    await form(`${w.issuer}/revoke`, { token });
    return `jti:${probe.jti}`;
  }
  return `gen:${await revokeSubject(w.admin, probe.sub)}`;
}

async function round(kind: Kind, w: World): Promise<void> {
  const sdk: number[] = [];
  const introspect: number[] = [];
  let stale = 0;
  for (let i = 0; i < REVOCATIONS + 1; i++) {
    const token = (await form(`${w.issuer}/token`, { grant_type: 'client_credentials', resource: AUDIENCE, scope: SCOPE })).access_token as string;
    const info = await form(`${w.issuer}/introspect`, { token });
    const probe: Probe = { jti: info.jti as string, sub: info.sub as string };
    const started = performance.now();
    const key = await revoke(kind, w, token, probe);
    // Introspection on the other process right after the revocation returned: must be false.
    for (;;) {
      const active = (await form(`http://127.0.0.1:${w.portB}/introspect`, { token })).active;
      if (!active) break;
      stale++;
    }
    const introspected = performance.now() - started;
    const times = await waitForViews(w.receivers, key, probe, started);
    if (i === 0) continue; // first round warms up the paths
    introspect.push(introspected);
    sdk.push(...times);
  }
  const f = (n: number) => `${n.toFixed(1)} ms`;
  console.log(`| ${kind} | ${w.size} | ${f(pct(sdk, 50))} | ${f(pct(sdk, 99))} | ${f(Math.max(...sdk))} | ${f(pct(introspect, 50))} | ${f(pct(introspect, 99))} | ${stale} |`);
}

/** Waits until every receiver has applied the event and its view refuses the token; returns each one's delay. */
async function waitForViews(receivers: Receiver[], key: string, probe: Probe, started: number): Promise<number[]> {
  const deadline = started + 30_000;
  while (receivers.some((r) => !r.arrivals.has(key))) {
    if (performance.now() > deadline) throw new Error(`only ${receivers.filter((r) => r.arrivals.has(key)).length}/${receivers.length} receivers got the event within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // a subject SET names the subject by its handle; the token was sealed one generation below
  const generation = Number(key.startsWith('gen:') ? key.slice(4) : NaN);
  const subjectProbe = (r: Receiver): Probe => ({ ...probe, sh: r.arrivals.get(key)!.set.sub_id?.id as string, gen: generation - 1 });
  const refusing = receivers.filter((r) => r.receiver.view.isRevoked(key.startsWith('gen:') ? subjectProbe(r) : probe)).length;
  if (refusing !== receivers.length) throw new Error(`${receivers.length - refusing} receivers got the event but do not refuse the token`);
  return receivers.map((r) => r.arrivals.get(key)!.at - started);
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`bench:revocation failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
