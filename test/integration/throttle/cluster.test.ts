/**
 * Throttling in cluster mode against a real Redis: two in-process issuers on one
 * PostgreSQL schema share one budget; with their Redis killed mid-run they keep
 * answering (no 5xx) and enforce the limit per process (the insurance limiter), say so
 * in logs and metrics, and go back to the shared budget when Redis returns. The test
 * runs its own redis-server on a spare loopback port so it can stop it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { generateKek } from '../../../src/keys/index.js';
import { basic, get, post, type RawResponse } from '../../support/clients.js';
import { freePort, startTestIssuer, serverErrors, type TestIssuer } from '../../support/issuer.js';
import { startOwnRedis, type OwnRedis } from '../../support/redis-server.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const SCHEMA = `t_throttle_${randomBytes(4).toString('hex')}`;
const API = 'https://api.throttle-cluster.test';
const BUDGET = 6;

let redis: OwnRedis;
let a: TestIssuer;
let b: TestIssuer;
const secrets = new Map<string, string>();
const seen: RawResponse[] = [];

async function token(t: TestIssuer, id: string): Promise<number> {
  const res = await post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials' }), basic(id, secrets.get(id) as string));
  seen.push(res);
  return res.status;
}

async function addClients(...ids: string[]): Promise<void> {
  for (const id of ids) secrets.set(id, await a.addClient({ id, scopes: ['read'], audiences: [API] }));
}

/** Sends `count` token requests alternating between the two issuers. */
async function alternate(id: string, count: number): Promise<number[]> {
  const statuses = [];
  for (let i = 0; i < count; i++) statuses.push(await token(i % 2 === 0 ? a : b, id));
  return statuses;
}

const gauge = async (t: TestIssuer) => /^portcullis_throttle_degraded (\d)/m.exec((await get(`${t.url}/metrics`)).text)?.[1];

beforeAll(async () => {
  redis = await startOwnRedis(await freePort());
  const env = {
    DATABASE_URL: PG_URL, DATABASE_SCHEMA: SCHEMA, PORTCULLIS_KEK: generateKek(), REDIS_URL: redis.url,
    THROTTLE_TOKEN: `ip=1000/1m,client=${BUDGET}/1m`, THROTTLE_TOKEN_FAILURES: 'off',
  };
  a = await startTestIssuer(env);
  b = await startTestIssuer(env);
  await a.addResource({ audience: API, scopes: ['read'] });
  await b.issuer.keys.reload();
  await addClients('shared', 'outage', 'recovered', 'after');
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis?.stop();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await client.end();
});

it('two issuers share one budget through Redis', async () => {
  expect(await alternate('shared', BUDGET)).toEqual(Array(BUDGET).fill(200));
  expect([await token(a, 'shared'), await token(b, 'shared')]).toEqual([429, 429]);
  expect(await gauge(a)).toBe('0');
});

it('with Redis stopped: no 5xx, the limit holds per process, and logs and metrics say so', async () => {
  await redis.stop();
  const onA = [];
  for (let i = 0; i < BUDGET + 1; i++) onA.push(await token(a, 'outage'));
  expect(onA).toEqual([...Array(BUDGET).fill(200), 429]);
  // B has its own local budget while Redis is away (per-process limit, never fail open)
  const onB = [];
  for (let i = 0; i < BUDGET + 1; i++) onB.push(await token(b, 'outage'));
  expect(onB).toEqual([...Array(BUDGET).fill(200), 429]);
  expect(a.logs.filter((r) => r.msg.startsWith('throttle.degraded'))).toHaveLength(1);
  expect(a.logs.find((r) => r.msg.startsWith('throttle.degraded'))).toMatchObject({ level: 40, event: 'throttle.degraded' });
  expect(await gauge(a)).toBe('1');
  expect((await get(`${a.url}/metrics`)).text).toMatch(/^portcullis_throttle_fallbacks_total [1-9]/m);
});

it('when Redis returns, the budget is shared again', async () => {
  await redis.start();
  const deadline = Date.now() + 15_000;
  while (!(a.logs.some((r) => r.msg.startsWith('throttle.recovered')) && b.logs.some((r) => r.msg.startsWith('throttle.recovered')))) {
    if (Date.now() > deadline) throw new Error('the throttle did not recover within 15s');
    await token(a, 'recovered');
    await token(b, 'recovered');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(await gauge(a)).toBe('0');
  expect(await alternate('after', BUDGET)).toEqual(Array(BUDGET).fill(200));
  expect([await token(b, 'after'), await token(a, 'after')]).toEqual([429, 429]);
}, 30_000);

it('never answered 5xx, never logged a server error', () => {
  expect(seen.length).toBeGreaterThan(20);
  expect(seen.filter((r) => r.status >= 500)).toEqual([]);
  expect(serverErrors(a.logs)).toEqual([]);
  expect(serverErrors(b.logs)).toEqual([]);
});
