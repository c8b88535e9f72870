/**
 * The admin CLI against a running embedded issuer (both real child processes): every
 * registry and key change takes effect in the running issuer without a restart, no
 * secret is ever listed, and with the issuer stopped the CLI opens the data dir itself.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAdminDatabase } from '../../../src/storage/index.js';
import { oauthClient, oauthFailure, type OAuthClient } from './oauth.js';
import {
  assertBuilt, freePort, jwksOf, kidOf, kidsOf, listeningTcpPorts, runAdmin, startIssuerProcess, stopAllIssuers, waitFor,
  type IssuerProcess,
} from './processes.js';

const AUDIENCE = 'https://orders.example/api';
const CLIENT = 'orders-worker';
const SECRET = 'worker-secret-0123456789-abcdefghijklmnop'; // >= 32 characters
const OPENING_SECRET = /^pcm1\.0\.[A-Za-z0-9_-]{43}$/;
const RELOAD_SEC = 1;

let root: string;
let env: Record<string, string>;
let issuer: IssuerProcess;
let client: OAuthClient;

const mode = async (path: string) => (await stat(path)).mode & 0o777;
const admin = async (args: string[], stdin?: string) => {
  const result = await runAdmin(args, env, stdin);
  if (result.code !== 0) throw new Error(`admin ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};

async function startEmbedded(): Promise<IssuerProcess> {
  const port = await freePort();
  return startIssuerProcess(port, { ...env, ISSUER: `http://127.0.0.1:${port}` });
}

beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), 'pc-admin-'));
  env = {
    DATA_DIR: join(root, 'data'), KEYS_DIR: join(root, 'keys'),
    KEY_RELOAD_INTERVAL: `${RELOAD_SEC}s`,
    // Issuance may otherwise reuse a subject's generation for 1s (by design); 0 makes
    // "a token minted right after `subject revoke` is active" exact.
    SUBJECT_CACHE_TTL: '0s',
  };
  issuer = await startEmbedded();
});

afterAll(async () => {
  await stopAllIssuers();
  await rm(root, { recursive: true, force: true });
});

describe('admin CLI with a running embedded issuer', () => {
  it('keeps the KEK, the data dir and embedded.json private', async () => {
    expect(await mode(join(root, 'keys', 'kek'))).toBe(0o600);
    expect(await mode(join(root, 'keys'))).toBe(0o700);
    expect(await mode(join(root, 'data'))).toBe(0o700);
    expect(await mode(join(root, 'data', 'embedded.json'))).toBe(0o600);
  });

  it('shares the database with the CLI without a TCP listener of its own', async () => {
    // PGlite has no authentication: a loopback port would let any local user in.
    expect(await listeningTcpPorts(issuer.pid)).toEqual([issuer.port]);
  });

  it('resource add prints the opening secret once', async () => {
    const out = await admin(['resource', 'add', '--audience', AUDIENCE, '--scopes', 'orders:read orders:write', '--ttl', '10m']);
    const secrets: string[] = out.match(/pcm1\.\S+/g) ?? [];
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).toMatch(OPENING_SECRET);
    const listed = await admin(['resource', 'list']);
    expect(listed).toContain(AUDIENCE);
    expect(listed).toContain('ttl=600s');
    expect(listed).not.toContain(secrets[0]);
    expect(listed).not.toContain(secrets[0].split('.')[2]);
  });

  it('client add --secret-stdin: the running issuer accepts the client at once', async () => {
    const out = await admin(['client', 'add', '--id', CLIENT, '--secret-stdin', '--scopes', 'orders:read', '--audience', AUDIENCE], `${SECRET}\n`);
    expect(out).toContain(`client ${CLIENT} registered`);
    expect(out).not.toContain(SECRET);
    client = await oauthClient(issuer.url, CLIENT, SECRET);
    const token = await client.token(AUDIENCE, 'orders:read');
    expect(await client.active(token)).toBe(true);
  });

  it('client list --json shows neither the secret nor its stored hash', async () => {
    const db = await connectAdminDatabase({ dataDir: env.DATA_DIR });
    const row = await db.prisma.client.findUnique({ where: { id: CLIENT } }).finally(() => db.close());
    const storedHash = (row?.metadata as Record<string, unknown> | undefined)?.client_secret;
    expect(typeof storedHash).toBe('string');
    expect(storedHash).not.toBe(SECRET);

    const out = await admin(['client', 'list', '--json']);
    const listed = JSON.parse(out) as Array<Record<string, unknown>>;
    // besides the account page's own client, which the issuer registers at start-up
    expect(listed.map((c) => c.id).sort()).toEqual([CLIENT, 'portcullis-account']);
    const ours = listed.find((c) => c.id === CLIENT) as Record<string, unknown>;
    expect(ours).toMatchObject({ grants: ['client_credentials'], scopes: 'orders:read', audiences: [AUDIENCE] });
    for (const c of listed) expect(Object.keys(c).filter((k) => /secret/i.test(k))).toEqual([]);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(String(storedHash));
    expect(out).not.toContain(String(storedHash).split('$').pop());
  });

  it('subject revoke: earlier tokens go inactive, a new token is active', async () => {
    const before = await client.token(AUDIENCE, 'orders:read');
    expect(await client.active(before)).toBe(true);
    const out = await admin(['subject', 'revoke', CLIENT]);
    expect(out).toMatch(/key generation is now 1\b/);
    expect(await client.active(before)).toBe(false);
    const after = await client.token(AUDIENCE, 'orders:read');
    expect(await client.active(after)).toBe(true);
  });

  it('keys rotate: the running issuer publishes and signs with the new keys within KEY_RELOAD_INTERVAL', async () => {
    const oldToken = await client.token(AUDIENCE, 'orders:read');
    const oldKids = kidsOf(await jwksOf(issuer.url));
    const out = await admin(['keys', 'rotate']);
    const [, current, next] = /current (\S+), next (\S+)/.exec(out) ?? [];
    expect(oldKids).toContain(current); // the published next key is promoted
    expect(oldKids).not.toContain(next);
    const started = Date.now();
    const kids = await waitFor('the new next key in JWKS', RELOAD_SEC * 1000 + 1500, async () => {
      const listed = kidsOf(await jwksOf(issuer.url));
      return listed.includes(next) && listed;
    }, 50);
    console.info(`embedded JWKS picked up the rotation after ${Date.now() - started} ms (KEY_RELOAD_INTERVAL ${RELOAD_SEC}s)`);
    expect(kids).toEqual([...oldKids, next].sort());
    const newToken = await client.token(AUDIENCE, 'orders:read');
    expect(kidOf(newToken)).toBe(current);
    expect(kidOf(oldToken)).not.toBe(current);
    expect(await client.active(newToken)).toBe(true);
    expect(await client.active(oldToken)).toBe(true);
  });

  it('client remove: the running issuer refuses the client within 1.5 s', async () => {
    expect(await admin(['client', 'remove', CLIENT])).toContain(`client ${CLIENT} removed`);
    const failure = await waitFor('invalid_client', 1500, () => oauthFailure(client.token(AUDIENCE, 'orders:read')), 50);
    expect(failure).toEqual({ status: 401, error: 'invalid_client' });
    expect((JSON.parse(await admin(['client', 'list', '--json'])) as Array<{ id: string }>).map((c) => c.id)).toEqual(['portcullis-account']);
  });
});

describe('admin CLI with the issuer stopped', () => {
  const OTHER = 'billing-worker';
  const OTHER_SECRET = 'billing-secret-abcdefghijklmnopqrstuvwxyz-0123';

  it('opens the data dir itself, and the restarted issuer has the change', async () => {
    expect(await issuer.stop()).toBe(0);
    const out = await admin(['client', 'add', '--id', OTHER, '--secret-stdin', '--scopes', 'orders:read', '--audience', AUDIENCE], OTHER_SECRET);
    expect(out).toContain(`client ${OTHER} registered`);
    expect(await admin(['resource', 'list'])).toContain(AUDIENCE);

    issuer = await startEmbedded();
    const other = await oauthClient(issuer.url, OTHER, OTHER_SECRET);
    expect(await other.active(await other.token(AUDIENCE, 'orders:read'))).toBe(true);
    const removed = await oauthClient(issuer.url, CLIENT, SECRET);
    expect(await oauthFailure(removed.token(AUDIENCE, 'orders:read'))).toEqual({ status: 401, error: 'invalid_client' });
  });
});
