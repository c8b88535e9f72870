/**
 * A hung or stopped PostgreSQL under load. The test's own PostgreSQL cluster (never the
 * shared one) is frozen with SIGSTOP (connections open, nothing answers), thawed, then
 * shut down and started again, while four loops call /token, /introspect and /revoke
 * on a cluster-mode issuer with DATABASE_QUERY_TIMEOUT and DATABASE_CONNECT_TIMEOUT of
 * one second. Requests that need the database answer 503 temporarily_unavailable with
 * Retry-After within the deadlines (never a 500, never a stack trace in the log),
 * /readyz says unavailable, the log says `database.unavailable` and
 * `database.recovered` once per outage, and service comes back without a restart.
 * The figures are printed for docs/architecture.md.
 */
import { generateKek } from '../../../src/keys/index.js';
import { startTestIssuer, serverErrors, leaksInternals, type TestIssuer } from '../../support/issuer.js';
import { basic, get, post } from '../../support/clients.js';
import { startOwnPostgres, type OwnPostgres } from '../../support/pg-server.js';
import { faultPort, startLoad, summary, type Sample } from '../../support/load.js';

const API = 'https://api.fault-pg.test';
const PHASE_MS = 4000;
const DEADLINE_MS = 1000;
let db: OwnPostgres;
let t: TestIssuer;
let secret: string;
let rsSecret: string;
const bodies: string[] = [];
const retryAfter: Array<string | null> = [];

beforeAll(async () => {
  db = await startOwnPostgres(await faultPort());
  t = await startTestIssuer({
    DATABASE_URL: db.url, PORTCULLIS_KEK: generateKek(), DATABASE_QUERY_TIMEOUT: `${DEADLINE_MS}ms`, DATABASE_CONNECT_TIMEOUT: `${DEADLINE_MS}ms`,
    ...Object.fromEntries(['THROTTLE_TOKEN', 'THROTTLE_INTROSPECT', 'THROTTLE_REVOKE'].map((k) => [k, 'ip=1000000/1m,client=1000000/1m'])),
  });
  await t.addResource({ audience: API, scopes: ['read'], introspector: 'rs' });
  secret = await t.addClient({ id: 'svc', scopes: ['read'], audiences: [API] });
  rsSecret = await t.addClient({ id: 'rs', scopes: [], audiences: [] });
}, 60_000);

afterAll(async () => {
  const at = Date.now();
  await t?.close().catch(() => undefined);
  console.log(`issuer closed in ${Date.now() - at} ms`);
  await db?.remove();
}, 60_000);

const form = (body: Record<string, string>) => new URLSearchParams(body);
function seen(res: { status: number; text: string; headers: Headers }): number {
  if (res.status >= 500 && bodies.length < 200) { bodies.push(res.text); retryAfter.push(res.headers.get('retry-after')); }
  return res.status;
}
async function oneRound(i: number): Promise<number> {
  const token = await post(`${t.url}/token`, form({ grant_type: 'client_credentials', resource: API, scope: 'read' }), basic('svc', secret));
  if (seen(token) !== 200) return token.status;
  const access = token.json!.access_token as string;
  const introspected = await post(`${t.url}/introspect`, form({ token: access }), basic('rs', rsSecret));
  if (seen(introspected) !== 200 || i % 2) return introspected.status;
  return seen(await post(`${t.url}/revoke`, form({ token: access }), basic('svc', secret)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const logged = (event: string) => t.logs.filter((l) => l.event === event).length;
const ready = async () => { const at = Date.now(); const r = await get(`${t.url}/readyz`); return { status: r.status, ms: Date.now() - at }; };

/** When the first round after `from` was served again (200). */
function servedAgainAt(samples: Sample[], from: number): number | undefined {
  return samples.find((s) => s.at >= from && s.status === 200)?.at;
}

it('answers 503 within the deadline while the database is frozen or stopped, and recovers by itself', async () => {
  const load = startLoad(4, oneRound);
  const t0 = Date.now();
  let frozenAt = 0, thawAt = 0, stoppedAt = 0, startAt = 0;
  let readyFrozen = { status: 0, ms: 0 };
  let readyStopped = { status: 0, ms: 0 };
  try {
    await sleep(PHASE_MS + 3 * DEADLINE_MS);
    frozenAt = Date.now();
    db.freeze();
    await sleep(PHASE_MS / 2);
    readyFrozen = await ready();
    await sleep(PHASE_MS / 2);
    thawAt = Date.now();
    db.thaw();
    await sleep(PHASE_MS);
    stoppedAt = Date.now();
    await db.stop();
    await sleep(PHASE_MS / 2);
    readyStopped = await ready();
    await sleep(PHASE_MS / 2);
    startAt = Date.now();
    await db.start();
    await sleep(PHASE_MS);
  } finally {
    await load.stop();
  }
  const samples = load.samples;
  const end = Date.now();

  const phases = {
    // rounds started within a round's longest wait before the freeze may meet it
    before: summary(samples, t0, frozenAt - 3 * DEADLINE_MS - 100), frozen: summary(samples, frozenAt, thawAt), thawed: summary(samples, thawAt, stoppedAt),
    stopped: summary(samples, stoppedAt, startAt), restarted: summary(samples, startAt, end),
  };
  const recovery = { afterThawMs: (servedAgainAt(samples, thawAt) ?? end) - thawAt, afterStartMs: (servedAgainAt(samples, startAt) ?? end) - startAt };
  console.log(JSON.stringify({ postgresFault: phases, readyFrozen, readyStopped, recovery, logs: { unavailable: logged('database.unavailable'), recovered: logged('database.recovered') }, errors: serverErrors(t.logs).slice(0, 3).map((l) => ({ msg: l.msg, err: JSON.stringify(l.err).slice(0, 600) })) }));

  for (const p of Object.values(phases)) {
    expect(Object.keys(p.byStatus).filter((s) => s !== '200' && s !== '503')).toEqual([]);
    expect(p.max).toBeLessThan(3 * DEADLINE_MS + 500); // a round is up to three requests
  }
  expect(phases.before.byStatus).toEqual({ 200: phases.before.requests });
  expect(phases.frozen.byStatus['503']).toBeGreaterThan(0);
  expect(phases.stopped.byStatus['503']).toBeGreaterThan(0);
  expect(phases.restarted.byStatus['200']).toBeGreaterThan(0);
  expect(recovery.afterThawMs).toBeLessThan(3000);
  expect(recovery.afterStartMs).toBeLessThan(3000);
  expect([readyFrozen.status, readyStopped.status]).toEqual([503, 503]);
  expect(Math.max(readyFrozen.ms, readyStopped.ms)).toBeLessThan(2 * DEADLINE_MS + 500);
  expect(retryAfter.every((v) => v !== null)).toBe(true);
  expect(bodies.every((b) => JSON.parse(b).error === 'temporarily_unavailable' && !leaksInternals(b))).toBe(true);
  // one line per change of state, never one per request: the lines alternate, starting
  // with the first outage (a loaded machine may see the pool flap once more after the
  // thaw, while connections caught mid-query by the freeze reach their deadline)
  const transitions = t.logs.filter((l) => l.event === 'database.unavailable' || l.event === 'database.recovered').map((l) => l.event);
  expect(transitions.length).toBeGreaterThanOrEqual(4);
  expect(transitions.length).toBeLessThanOrEqual(8);
  transitions.forEach((e, i) => expect(e).toBe(i % 2 === 0 ? 'database.unavailable' : 'database.recovered'));
  expect((await ready()).status).toBe(200);
  expect(serverErrors(t.logs)).toEqual([]);
}, 120_000);
