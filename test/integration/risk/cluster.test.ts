/**
 * Cluster mode: two issuer processes on one PostgreSQL schema share risk lockouts.
 * Wrong passwords on A lock the user on B too; `user unlock` (the real admin CLI) ends it
 * for both and is listed by `events list` as an override.
 */
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import pg from 'pg';
import { generateKek } from '../../../src/keys/index.js';
import { adminOk, assertBuilt, freePort, startIssuerProcess, stopAllIssuers, type IssuerProcess } from '../admin/processes.js';
import { configVia } from '../../support/via.js';
import { eventually } from '../../support/receivers.js';
import { signIn } from '../users/browser.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const SCHEMA = `t_risk_${randomBytes(4).toString('hex')}`;
const API = 'https://api.cluster-risk.test';
const REDIRECT = 'https://app.cluster-risk.test/cb';
const PASSWORD = 'cluster password 1';

let env: Record<string, string>;
let b: IssuerProcess;
let viaA: client.Configuration;
let viaB: client.Configuration;

const admin = (args: string[], stdin?: string): Promise<string> => adminOk(args, env, stdin);

const via = (config: client.Configuration, base: string): client.Configuration => configVia(config, env.ISSUER, base);

beforeAll(async () => {
  assertBuilt();
  const [portA, portB] = [await freePort(), await freePort()];
  env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: SCHEMA, PORTCULLIS_KEK: generateKek(), ISSUER: `http://127.0.0.1:${portA}`, LOG_LEVEL: 'warn', RISK_SCORES: 'login_failure=25' };
  await startIssuerProcess(portA, env);
  b = await startIssuerProcess(portB, env);
  await admin(['resource', 'add', '--audience', API, '--scopes', 'read']);
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
