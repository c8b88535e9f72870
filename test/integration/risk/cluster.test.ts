/**
 * Cluster mode: two issuer processes on one PostgreSQL schema and one Redis share risk
 * lockouts and what they observe. Wrong passwords on A lock the user on B too; `user
 * unlock` (the real admin CLI) ends it for both and is listed by `events list` as an
 * override. A token presented in London through A and in Tokyo through B is impossible
 * travel (the last place is in the risk memory both read, in Redis).
 */
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import pg from 'pg';
import { generateKek } from '../../../src/keys/index.js';
import { adminOk, assertBuilt, freePort, startIssuerProcess, stopAllIssuers, type IssuerProcess } from '../admin/processes.js';
import { configVia } from '../../support/via.js';
import { eventually } from '../../support/receivers.js';
import { signIn, tokensFor } from '../users/browser.js';
import { basic, post } from '../../support/clients.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const SCHEMA = `t_risk_${randomBytes(4).toString('hex')}`;
const API = 'https://api.cluster-risk.test';
const REDIRECT = 'https://app.cluster-risk.test/cb';
const PASSWORD = 'cluster password 1';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RS_SECRET = 'cluster-rs-secret-0123456789-abcdefghijkl';
const LONDON = '81.2.69.142';
const TOKYO = '1.0.16.1';

let env: Record<string, string>;
let b: IssuerProcess;
let viaA: client.Configuration;
let viaB: client.Configuration;

const admin = (args: string[], stdin?: string): Promise<string> => adminOk(args, env, stdin);

const via = (config: client.Configuration, base: string): client.Configuration => configVia(config, env.ISSUER, base);

beforeAll(async () => {
  assertBuilt();
  const [portA, portB] = [await freePort(), await freePort()];
  env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: SCHEMA, REDIS_URL, PORTCULLIS_KEK: generateKek(), ISSUER: `http://127.0.0.1:${portA}`, LOG_LEVEL: 'warn', RISK_SCORES: 'login_failure=25',
    // The sign-in helper resubmits a refused login form up to five times, so polling for the
    // unlock spent the default 30 login posts per username per minute, and the throttle (not
    // the risk lockout under test) refused the rest of the minute: a flaky timeout. Budgets
    // here are wide enough that only the risk lockout can refuse.
    THROTTLE_LOGIN: 'ip=1000/1m,subject=1000/1m' };
  await startIssuerProcess(portA, env);
  b = await startIssuerProcess(portB, env);
  await admin(['resource', 'add', '--audience', API, '--scopes', 'read', '--introspector', 'rs']);
  await admin(['client', 'add', '--id', 'rs', '--secret-stdin', '--grants', 'client_credentials', '--scopes', 'read', '--audience', API], RS_SECRET);
  await admin(['client', 'add', '--id', 'web', '--public', '--grants', 'authorization_code,refresh_token', '--redirect-uri', REDIRECT, '--scopes', 'read', '--audience', API]);
  await admin(['user', 'add', '--username', 'alice', '--password-stdin'], PASSWORD);
  viaA = await client.discovery(new URL(env.ISSUER), 'web', {}, client.None(), { execute: [client.allowInsecureRequests] });
  viaB = via(viaA, b.url);
});

afterAll(async () => {
  await stopAllIssuers();
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try { await c.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`); } finally { await c.end(); }
});

const attempt = (config: client.Configuration, password: string) => signIn({ config, redirectUri: REDIRECT, username: 'alice', password, params: { resource: API } });

it('a lockout started on one process holds on the other, and `user unlock` ends it everywhere', async () => {
  for (let i = 0; i < 4; i++) expect((await attempt(viaA, 'wrong password!')).callback).toBeUndefined();
  const onB = await attempt(viaB, PASSWORD);
  expect(onB.callback).toBeUndefined();
  expect(onB.pages.at(-1)!.status).toBe(429);
  expect(await admin(['user', 'unlock', 'alice'])).toContain('user alice unlocked');
  await eventually('unlock seen by B (one-second cache)', 5000, async () => (await attempt(viaB, PASSWORD)).callback !== undefined, 300);
  const listed = await admin(['events', 'list', '--subject', 'alice', '--since', '1h']);
  expect(listed).toMatch(/override\tunlock/);
  expect(listed).toMatch(/decision\tlockout/);
  expect(listed).not.toContain('127.0.0.1'); // addresses only hashed or coarse
});

it('impossible travel is judged over both processes: London through A, then Tokyo through B, asks for step-up', async () => {
  await admin(['user', 'add', '--username', 'bob', '--password-stdin'], PASSWORD);
  const { tokens } = await tokensFor({ config: viaA, redirectUri: REDIRECT, username: 'bob', password: PASSWORD, params: { resource: API } });
  const introspect = async (base: string, presenter: string) => (await post(`${base}/introspect`, new URLSearchParams({ token: tokens.access_token, presenter_ip: presenter }), basic('rs', RS_SECRET))).json;
  // A wrote the last place to Redis before it answered: B reads it on the next use
  expect(await introspect(env.ISSUER, LONDON)).toMatchObject({ active: true, sub: expect.any(String) });
  expect(await introspect(b.url, TOKYO)).toEqual({ active: false, step_up: { error: 'insufficient_user_authentication', acr_values: expect.any(String) } });
  const listed = await admin(['events', 'list', '--subject', 'bob', '--since', '1h']);
  expect(listed).toMatch(/signal\timpossible_travel/);
});

