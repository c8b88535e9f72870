/**
 * Cluster mode (two issuer processes on one PostgreSQL schema) with the real admin CLI:
 * `client add --fingerprint required`, a fingerprinted sign-in on A, the comparison at
 * B's /introspect (profile read from the shared database), then `user export` and
 * `user erase` as child processes, checked with SQL on PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import pg from 'pg';
import { generateKek } from '../../../src/keys/index.js';
import { adminOk, assertBuilt, freePort, startIssuerProcess, stopAllIssuers, type IssuerProcess } from '../admin/processes.js';
import { tokensFor } from '../users/browser.js';
import { fp, LAPTOP, OTHER_DEVICE, UPDATED } from './world.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const SCHEMA = `t_fp_${randomBytes(4).toString('hex')}`;
const API = 'https://api.cluster-fp.test';
const REDIRECT = 'https://app.cluster-fp.test/cb';
const PASSWORD = 'cluster password 1';

let env: Record<string, string>;
let a: IssuerProcess;
let b: IssuerProcess;
let secret: string;
let sql: pg.Client;

const admin = (args: string[], stdin?: string): Promise<string> => adminOk(args, env, stdin);

beforeAll(async () => {
  assertBuilt();
  const [portA, portB] = [await freePort(), await freePort()];
  env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: SCHEMA, PORTCULLIS_KEK: generateKek(), ISSUER: `http://127.0.0.1:${portA}`, LOG_LEVEL: 'warn' };
  a = await startIssuerProcess(portA, env);
  b = await startIssuerProcess(portB, env);
  await admin(['resource', 'add', '--audience', API, '--scopes', 'read']);
  const added = await admin(['client', 'add', '--id', 'web', '--grants', 'authorization_code,refresh_token', '--redirect-uri', REDIRECT, '--scopes', 'read', '--audience', API, '--fingerprint', 'required']);
  expect(added).toMatch(/fingerprint: required/);
  expect(JSON.parse(await admin(['client', 'list', '--json']))).toEqual([expect.objectContaining({ id: 'web', fingerprint: 'required' })]);
  secret = /client_secret \(shown once, store it now\): (\S+)/.exec(added)![1];
  await admin(['user', 'add', '--username', 'alice', '--password-stdin'], PASSWORD);
  sql = new pg.Client({ connectionString: PG_URL });
  await sql.connect();
});

afterAll(async () => {
  await stopAllIssuers();
  try { await sql?.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`); } finally { await sql?.end(); }
});

const count = async (query: string, ...params: unknown[]) => Number((await sql.query(query.replaceAll('"T".', `"${SCHEMA}".`), params)).rows[0].n);

async function introspectOn(base: string, token: string, fingerprint?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`web:${secret}`).toString('base64')}` },
    body: new URLSearchParams({ token, ...(fingerprint ? { fingerprint } : {}) }),
  });
  return await res.json() as Record<string, unknown>;
}

it('binds on A, compares on B, exports and erases through the CLI leaving nothing on PostgreSQL', async () => {
  const web = await client.discovery(new URL(env.ISSUER), 'web', {}, client.ClientSecretBasic(secret), { execute: [client.allowInsecureRequests] });
  const { tokens } = await tokensFor({ config: web, redirectUri: REDIRECT, username: 'alice', password: PASSWORD, params: { resource: API }, fingerprint: fp(LAPTOP) });
  expect(await introspectOn(b.url, tokens.access_token, fp(LAPTOP))).toMatchObject({ active: true, fpd: expect.any(String) });
  expect(await introspectOn(b.url, tokens.access_token)).toEqual({ active: false }); // required: no fingerprint, not active
  expect(await introspectOn(b.url, tokens.access_token, fp(OTHER_DEVICE))).toEqual({ active: false });
  expect(await introspectOn(a.url, tokens.access_token, fp(UPDATED))).toMatchObject({ active: true });
  expect(await count('SELECT count(*) AS n FROM "T"."FingerprintChange" WHERE outcome = \'mismatch\'')).toBe(1);

  const exported = JSON.parse(await admin(['user', 'export', 'alice'])) as { user: { id: string }; fingerprints: unknown[] };
  expect(exported.fingerprints).toHaveLength(1);
  const id = exported.user.id;

  expect(await admin(['user', 'erase', 'alice'])).toMatch(/erased: 1 fingerprint profile/);
  expect(await count('SELECT count(*) AS n FROM "T"."User" WHERE id = $1', id)).toBe(0);
  expect(await count('SELECT count(*) AS n FROM "T"."FingerprintProfile" WHERE "userId" = $1', id)).toBe(0);
  expect(await count('SELECT count(*) AS n FROM "T"."FingerprintChange"')).toBe(0);
  expect(await count('SELECT count(*) AS n FROM "T"."OidcPayload" WHERE payload->>\'accountId\' = $1', id)).toBe(0);
  for (const base of [a.url, b.url]) expect(await introspectOn(base, tokens.access_token, fp(LAPTOP))).toEqual({ active: false });
}, 120_000);
