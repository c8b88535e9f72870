/**
 * Cluster mode end to end: two issuer processes (A and B) on one PostgreSQL schema
 * with Redis, driven by openid-client and the admin CLI, all real processes. Whatever
 * one process or the CLI changes (a revocation, a subject's generation, a key
 * rotation) holds on the other at once, or, for keys, as soon as the Redis notice
 * arrives: the reload interval is set far beyond the test's waits.
 */
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { generateKek } from '../../../src/keys/index.js';
import { oauthClient, type OAuthClient } from '../admin/oauth.js';
import {
  assertBuilt, freePort, jwksOf, kidOf, kidsOf, runAdmin, startIssuerProcess, stopAllIssuers, waitFor,
  type IssuerProcess,
} from '../admin/processes.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SCHEMA = `t_cluster_${randomBytes(4).toString('hex')}`;
const KEK = generateKek();
const AUDIENCE = 'https://ledger.example/api';
const SCOPE = 'ledger:read';
const CLIENT = 'ledger-sync';
const SECRET = 'ledger-sync-secret-0123456789-abcdefghijkl';
const NOTICE_WAIT_MS = 5000; // far below KEY_RELOAD_INTERVAL: only the Redis notice can explain a reload

let env: Record<string, string>;
let a: IssuerProcess;
let b: IssuerProcess; // started by the first test, which checks that start
let portB: number;
let viaA: OAuthClient;
let viaB: OAuthClient;

async function sql<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

async function admin(args: string[], stdin?: string): Promise<string> {
  const result = await runAdmin(args, env, stdin);
  if (result.code !== 0) throw new Error(`admin ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

beforeAll(async () => {
  assertBuilt();
  const portA = await freePort();
  portB = await freePort();
  env = {
    DATABASE_URL: PG_URL, DATABASE_SCHEMA: SCHEMA, REDIS_URL, PORTCULLIS_KEK: KEK,
    // One issuer identifier for the cluster, as behind a load balancer.
    ISSUER: `http://127.0.0.1:${portA}`,
    KEY_RELOAD_INTERVAL: '10m',
    // Issuance may reuse a subject's generation for 1s by design; 0 makes "a token
    // minted right after `subject revoke` is active" exact.
    SUBJECT_CACHE_TTL: '0s',
  };
  a = await startIssuerProcess(portA, env);
});

afterAll(async () => {
  await stopAllIssuers();
  await sql(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
});

describe('two issuer processes on one schema', () => {
  it('the second start finds the schema migrated and changes nothing', async () => {
    const migrations = (await readdir(join(process.cwd(), 'prisma', 'migrations'), { withFileTypes: true })).filter((e) => e.isDirectory());
    const ledger = `SELECT id, migration_name, checksum, finished_at FROM "${SCHEMA}"."_prisma_migrations" ORDER BY migration_name`;
    const before = await sql(ledger);
    expect(before.map((r) => r.migration_name)).toEqual(migrations.map((e) => e.name).sort());
    b = await startIssuerProcess(portB, env);
    expect(await sql(ledger)).toEqual(before);
  });

  it('registers a resource server and a client with the CLI', async () => {
    const out = await admin(['resource', 'add', '--audience', AUDIENCE, '--scopes', SCOPE]);
    expect(out).toMatch(/^opening secret .*: pcm1\.0\.[A-Za-z0-9_-]{43}$/m);
    await admin(['client', 'add', '--id', CLIENT, '--secret-stdin', '--scopes', SCOPE, '--audience', AUDIENCE], SECRET);
    viaA = await oauthClient(env.ISSUER, CLIENT, SECRET);
    viaB = await oauthClient(env.ISSUER, CLIENT, SECRET, b.url);
    expect(viaB.config.serverMetadata().introspection_endpoint).toBe(`${b.url}/introspect`);
  });

  it('a token issued by A is active on B', async () => {
    const token = await viaA.token(AUDIENCE, SCOPE);
    expect(await viaB.introspect(token)).toMatchObject({ active: true, client_id: CLIENT, sub: CLIENT, aud: AUDIENCE, scope: SCOPE, iss: env.ISSUER });
  });

  it('revoked on A, inactive on B at once', async () => {
    const token = await viaA.token(AUDIENCE, SCOPE);
    const other = await viaA.token(AUDIENCE, SCOPE);
    await viaA.revoke(token);
    expect(await viaB.introspect(token)).toEqual({ active: false });
    expect(await viaA.introspect(token)).toEqual({ active: false });
    expect(await viaB.active(other)).toBe(true);
  });

  it('subject revoke with the CLI: earlier tokens inactive on both, a new one active', async () => {
    const fromA = await viaA.token(AUDIENCE, SCOPE);
    const fromB = await viaB.token(AUDIENCE, SCOPE);
    expect(await viaB.active(fromA)).toBe(true);
    await admin(['subject', 'revoke', CLIENT]);
    for (const via of [viaA, viaB]) {
      expect(await via.active(fromA)).toBe(false);
      expect(await via.active(fromB)).toBe(false);
    }
    const fresh = await viaA.token(AUDIENCE, SCOPE);
    expect(await viaA.active(fresh)).toBe(true);
    expect(await viaB.active(fresh)).toBe(true);
    expect(await viaB.active(await viaB.token(AUDIENCE, SCOPE))).toBe(true);
  });

  it('keys rotate with the CLI: both processes publish and use the new keys on the Redis notice', async () => {
    const old = await viaA.token(AUDIENCE, SCOPE);
    const oldKids = kidsOf(await jwksOf(a.url));
    expect(kidsOf(await jwksOf(b.url))).toEqual(oldKids);
    const out = await admin(['keys', 'rotate']);
    const [, current, next] = /current (\S+), next (\S+)/.exec(out) ?? [];
    expect(oldKids).toContain(current);
    expect(oldKids).not.toContain(next);

    const started = Date.now();
    for (const p of [a, b]) {
      await waitFor(`JWKS of ${p.url} listing ${next}`, NOTICE_WAIT_MS, async () => kidsOf(await jwksOf(p.url)).includes(next), 50);
    }
    console.info(`cluster JWKS of A and B updated ${Date.now() - started} ms after keys rotate (reload interval ${env.KEY_RELOAD_INTERVAL})`);
    const [jwksA, jwksB] = [await jwksOf(a.url), await jwksOf(b.url)];
    const byKid = (x: Record<string, unknown>, y: Record<string, unknown>) => String(x.kid).localeCompare(String(y.kid));
    expect([...jwksA].sort(byKid)).toEqual([...jwksB].sort(byKid));
    expect(kidsOf(jwksA)).toEqual([...oldKids, next].sort());

    const fresh = await viaA.token(AUDIENCE, SCOPE);
    expect(kidOf(fresh)).toBe(current);
    expect(kidOf(old)).not.toBe(current);
    expect(await viaB.active(fresh)).toBe(true);
    expect(await viaB.active(old)).toBe(true);
    expect(await viaA.active(old)).toBe(true);
  });
});
