/**
 * Sessions, grants and interactions persist through the database: two issuer
 * processes on one PostgreSQL schema, users and clients registered with the admin CLI.
 * A user signed in on A is signed in on B (no password asked), B refreshes A's grant,
 * a restart of A keeps the session, and `user revoke` ends everything on both.
 */
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import pg from 'pg';
import { generateKek } from '../../../src/keys/index.js';
import { adminOk, assertBuilt, freePort, startIssuerProcess, stopAllIssuers, type IssuerProcess } from '../admin/processes.js';
import { configVia } from '../../support/via.js';
import { Browser, signIn, tokensFor } from './browser.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const SCHEMA = `t_users_${randomBytes(4).toString('hex')}`;
const API = 'https://api.cluster-users.test';
const REDIRECT = 'https://app.cluster-users.test/cb';
const PASSWORD = 'cluster password 1';

let env: Record<string, string>;
let a: IssuerProcess;
let b: IssuerProcess;
let viaA: client.Configuration;
let viaB: client.Configuration;

const admin = (args: string[], stdin?: string): Promise<string> => adminOk(args, env, stdin);

const via = (config: client.Configuration, base: string): client.Configuration => configVia(config, env.ISSUER, base);

beforeAll(async () => {
  assertBuilt();
  const [portA, portB] = [await freePort(), await freePort()];
  env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: SCHEMA, PORTCULLIS_KEK: generateKek(), ISSUER: `http://127.0.0.1:${portA}`, LOG_LEVEL: 'warn' };
  a = await startIssuerProcess(portA, env);
  b = await startIssuerProcess(portB, env);
  await admin(['resource', 'add', '--audience', API, '--scopes', 'read']);
  await admin(['client', 'add', '--id', 'web', '--public', '--grants', 'authorization_code,refresh_token', '--redirect-uri', REDIRECT, '--scopes', 'read', '--audience', API]);
  expect(await admin(['user', 'add', '--username', 'alice', '--password-stdin'], PASSWORD)).toMatch(/^user alice added/);
  viaA = await client.discovery(new URL(env.ISSUER), 'web', {}, client.None(), { execute: [client.allowInsecureRequests] });
  viaB = via(viaA, b.url);
});

afterAll(async () => {
  await stopAllIssuers();
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try { await c.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`); } finally { await c.end(); }
});

const alice = (config: client.Configuration, browser: Browser, password = PASSWORD) => ({ config, browser, redirectUri: REDIRECT, username: 'alice', password, params: { resource: API } });
const active = async (config: client.Configuration, token: string) => (await client.tokenIntrospection(config, token)).active;

it('a session made on A signs the user in on B and after A restarts; B refreshes A\'s grant; user revoke ends all', async () => {
  const browser = new Browser();
  const first = await tokensFor(alice(viaA, browser));
  expect(first.pages.some((p) => p.html.includes('name="password"'))).toBe(true);

  // B continues the session stored by A: no password page (a wrong password would fail).
  const onB = await tokensFor(alice(viaB, browser, 'wrong password'));
  expect(onB.pages.some((p) => p.html.includes('name="password"'))).toBe(false);
  expect(onB.tokens.claims()?.sub).toBe(first.tokens.claims()?.sub);

  const refreshed = await client.refreshTokenGrant(viaB, first.tokens.refresh_token!);
  expect(await active(viaA, refreshed.access_token)).toBe(true);

  await a.stop();
  a = await startIssuerProcess(a.port, env);
  const afterRestart = await signIn(alice(viaA, browser, 'wrong password'));
  expect(afterRestart.callback?.searchParams.get('code')).toBeTruthy();

  expect(await admin(['user', 'revoke', 'alice'])).toMatch(/user alice revoked/);
  for (const config of [viaA, viaB]) {
    expect(await active(config, refreshed.access_token)).toBe(false);
    expect(await active(config, onB.tokens.access_token)).toBe(false);
  }
  await expect(client.refreshTokenGrant(viaA, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  // the session is gone too: the password is asked again
  expect((await signIn(alice(viaB, browser, 'wrong password'))).pages.some((p) => p.html.includes('name="password"'))).toBe(true);
});
