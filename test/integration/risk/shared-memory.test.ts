/**
 * Cluster mode: the risk memory lives in Redis, so every signal that compares events
 * judges the uses every process saw. Two issuer processes sit behind a round-robin proxy
 * (each request to the next process); for each signal the uses alternate between the
 * processes, and each process alone would have seen too few to signal (impossible
 * travel, token replay, inactive-token bursts, recent failures, fingerprint velocity).
 * And a process that restarts between two uses still knows the first.
 */
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import pg from 'pg';
import { generateKek } from '../../../src/keys/index.js';
import { adminOk, assertBuilt, freePort, startIssuerProcess, stopAllIssuers, type IssuerProcess } from '../admin/processes.js';
import { basic, post } from '../../support/clients.js';
import { eventually } from '../../support/receivers.js';
import { startRoundRobin, type RoundRobin } from '../../support/round-robin.js';
import { tokensFor } from '../users/browser.js';
import { fp, LAPTOP, OTHER_DEVICE } from '../fingerprint/world.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SCHEMA = `t_riskmem_${randomBytes(4).toString('hex')}`;
const API = 'https://api.shared-risk.test';
const REDIRECT = 'https://app.shared-risk.test/cb';
const PASSWORD = 'shared memory password 1';
const RS_SECRET = 'shared-rs-secret-0123456789-abcdefghijkl';
const SVC_SECRET = 'shared-svc-secret-0123456789-abcdefghijk';
const LONDON = '81.2.69.142';
const TOKYO = '1.0.16.1';

let env: Record<string, string>;
let portA: number;
let a: IssuerProcess;
let b: IssuerProcess;
let lb: RoundRobin;
let sql: pg.Client;
let web: client.Configuration;
let fpSecret: string;

const admin = (args: string[], stdin?: string): Promise<string> => adminOk(args, env, stdin);

beforeAll(async () => {
  assertBuilt();
  portA = await freePort();
  const portB = await freePort();
  env = {
    DATABASE_URL: PG_URL, DATABASE_SCHEMA: SCHEMA, REDIS_URL, PORTCULLIS_KEK: generateKek(), ISSUER: `http://127.0.0.1:${portA}`, LOG_LEVEL: 'warn',
    // each signal needs two uses or more, so alternating processes each see fewer than it takes
    RISK_REPLAY_IPS: '2', RISK_INVALID_TOKEN_BURST: '4', RISK_RECENT_FAILURES: '3', RISK_FINGERPRINT_CHANGES: '1',
    // a traveller's token presented from two places is also a replay: scored low, travel alone decides (step-up)
    RISK_SCORES: 'token_replay=1',
  };
  a = await startIssuerProcess(portA, env);
  b = await startIssuerProcess(portB, env);
  lb = await startRoundRobin([a.url, b.url]);
  await admin(['resource', 'add', '--audience', API, '--scopes', 'read', '--introspector', 'rs']);
  await admin(['client', 'add', '--id', 'rs', '--secret-stdin', '--grants', 'client_credentials', '--scopes', 'read', '--audience', API], RS_SECRET);
  for (const id of ['svc-replay', 'svc-failures']) await admin(['client', 'add', '--id', id, '--secret-stdin', '--grants', 'client_credentials', '--scopes', 'read', '--audience', API], SVC_SECRET);
  await admin(['client', 'add', '--id', 'web', '--public', '--grants', 'authorization_code,refresh_token', '--redirect-uri', REDIRECT, '--scopes', 'read', '--audience', API]);
  const added = await admin(['client', 'add', '--id', 'fpweb', '--grants', 'authorization_code,refresh_token', '--redirect-uri', REDIRECT, '--scopes', 'read', '--audience', API, '--fingerprint', 'required']);
  fpSecret = /client_secret \(shown once, store it now\): (\S+)/.exec(added)![1];
  for (const user of ['bob', 'dora', 'erin']) await admin(['user', 'add', '--username', user, '--password-stdin'], PASSWORD);
  web = await client.discovery(new URL(env.ISSUER), 'web', {}, client.None(), { execute: [client.allowInsecureRequests] });
  sql = new pg.Client({ connectionString: PG_URL });
  await sql.connect();
}, 180_000);

afterAll(async () => {
  await lb?.close();
  await stopAllIssuers();
  try { await sql?.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`); } finally { await sql?.end(); }
});

/** POST /introspect through the proxy as the resource server; returns the body and which process answered. */
async function introspect(token: string, form: Record<string, string> = {}, as = { id: 'rs', secret: RS_SECRET }, base?: string) {
  const served = lb.served.length;
  const res = await post(`${base ?? lb.url}/introspect`, new URLSearchParams({ token, ...form }), basic(as.id, as.secret));
  return { body: res.json as Record<string, unknown>, by: base ? undefined : lb.served[served] };
}

async function serviceToken(id: string): Promise<string> {
  const res = await post(`${a.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }), basic(id, SVC_SECRET));
  expect(res.status).toBe(200);
  return String(res.json!.access_token);
}

const userToken = async (username: string) => (await tokensFor({ config: web, redirectUri: REDIRECT, username, password: PASSWORD, params: { resource: API } })).tokens.access_token;

/** Signal rows named `name` (the risk event log in PostgreSQL). */
async function signals(name: string): Promise<number> {
  const { rows } = await sql.query(`SELECT count(*) AS n FROM "${SCHEMA}"."RiskEvent" WHERE kind = 'signal' AND name = $1`, [name]);
  return Number(rows[0].n);
}

it('impossible travel: London through one process, Tokyo through the other, asks for step-up', async () => {
  const token = await userToken('bob');
  const before = await signals('impossible_travel');
  const first = await introspect(token, { presenter_ip: LONDON });
  expect(first.body).toMatchObject({ active: true });
  const second = await introspect(token, { presenter_ip: TOKYO });
  expect(second.by).not.toBe(first.by);
  expect(second.body).toEqual({ active: false, step_up: { error: 'insufficient_user_authentication', acr_values: expect.any(String) } });
  expect(await signals('impossible_travel')).toBe(before + 1);
}, 60_000);

it('token replay: one token presented from two addresses, one through each process', async () => {
  const token = await serviceToken('svc-replay');
  const before = await signals('token_replay');
  const first = await introspect(token, { presenter_ip: '203.0.113.10' });
  const second = await introspect(token, { presenter_ip: '203.0.113.11' });
  expect([first.body.active, second.body.active]).toEqual([true, true]);
  expect(second.by).not.toBe(first.by);
  expect(await signals('token_replay')).toBe(before + 1);
});

it('inactive-token burst: four from one presenter, two through each process, signal once', async () => {
  const by = new Set<number | undefined>();
  for (let i = 0; i < 5; i++) {
    const r = await introspect(`not-a-token-${i}`, { presenter_ip: '198.51.100.20' });
    expect(r.body).toEqual({ active: false });
    by.add(r.by);
  }
  expect(by.size).toBe(2);
  expect(await signals('invalid_token_burst')).toBe(1);
});

it('recent failures: three inactive tokens across the processes flag the presenter on either', async () => {
  for (let i = 0; i < 3; i++) expect((await introspect(`fishing-${i}`, { presenter_ip: '198.51.100.30' })).body).toEqual({ active: false });
  expect(await signals('recent_failures')).toBe(0);
  const token = await serviceToken('svc-failures');
  expect((await introspect(token, { presenter_ip: '198.51.100.30' })).body).toMatchObject({ active: true });
  expect(await signals('recent_failures')).toBe(1);
});

it('fingerprint velocity: a changed device presented through each process is one change too many', async () => {
  const fpweb = await client.discovery(new URL(env.ISSUER), 'fpweb', {}, client.ClientSecretBasic(fpSecret), { execute: [client.allowInsecureRequests] });
  const { tokens } = await tokensFor({ config: fpweb, redirectUri: REDIRECT, username: 'dora', password: PASSWORD, params: { resource: API }, fingerprint: fp(LAPTOP) });
  const as = { id: 'fpweb', secret: fpSecret };
  const first = await introspect(tokens.access_token, { fingerprint: fp(OTHER_DEVICE) }, as);
  const second = await introspect(tokens.access_token, { fingerprint: fp(OTHER_DEVICE) }, as);
  expect([first.body, second.body]).toEqual([{ active: false }, { active: false }]);
  expect(second.by).not.toBe(first.by);
  // fingerprint comparisons reach the risk engine after the answer
  await eventually('the fingerprint_velocity signal', 10_000, async () => (await signals('fingerprint_velocity')) === 1, 100);
  expect(await signals('new_device')).toBe(2);
}, 60_000);

it('a process that restarts between two uses still knows the first', async () => {
  const token = await userToken('erin');
  expect((await introspect(token, { presenter_ip: LONDON }, undefined, a.url)).body).toMatchObject({ active: true });
  const travelled = await signals('impossible_travel');
  await a.stop();
  a = await startIssuerProcess(portA, env);
  expect((await introspect(token, { presenter_ip: TOKYO }, undefined, a.url)).body).toEqual({ active: false, step_up: { error: 'insufficient_user_authentication', acr_values: expect.any(String) } });
  expect(await signals('impossible_travel')).toBe(travelled + 1);
}, 120_000);
