/**
 * Data rights: `user export` and `user erase` (admin CLI commands, run in-process) and
 * GET/DELETE /me/data with the user's own access token. Erasure is checked with SQL:
 * no row anywhere still names the user, no orphaned fingerprint change, and the user's
 * tokens stop. Also the retention purge of profiles and changes.
 */
import { jest } from '@jest/globals';
import * as client from 'openid-client';
import { privacyCommands } from '../../../scripts/admin/privacy.js';
import type { AdminContext } from '../../../scripts/admin/context.js';
import { addRole, assignRole } from '../../../src/authz/index.js';
import { builtinPurgeTasks } from '../../../src/jobs/index.js';
import { deploymentSecret } from '../../../src/keys/index.js';
import { addClient } from '../../../src/registry/index.js';
import { tokensFor, type SignIn } from '../users/browser.js';
import { API, REDIRECT } from '../users/setup.js';
import { fp, introspect, LAPTOP, OTHER_DEVICE, PASSWORD, startFingerprintWorld, type FingerprintWorld } from './world.js';

let w: FingerprintWorld;
beforeAll(async () => { w = await startFingerprintWorld(); });
afterAll(async () => { await w?.t.close(); });

const as = (username: string): SignIn => ({ config: w.web, redirectUri: REDIRECT, username, password: PASSWORD, params: { resource: API }, fingerprint: fp(LAPTOP) });
const ctx = () => ({ config: w.t.config, db: w.t.issuer.db, kek: w.t.kek, secret: (n: string) => deploymentSecret(w.t.issuer.db, w.t.kek, n), subjectKeys: async () => w.t.issuer.risk.keys, close: async () => {} }) as AdminContext;

async function run(command: string, args: string[]): Promise<string> {
  let output = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { output += String(chunk); return true; });
  try { await privacyCommands[command].run(ctx(), args); } finally { write.mockRestore(); }
  return output;
}

/** Every row in the database that names the user (by id, username or handle), table by table. */
async function rowsNaming(id: string, username: string): Promise<Record<string, number>> {
  const handle = w.t.issuer.tokens.handleOf(id);
  const q = async (sql: string, ...p: unknown[]) => Number((await w.t.issuer.db.pool.query(sql, p)).rows[0].n);
  return {
    user: await q('SELECT count(*) AS n FROM "User" WHERE id = $1 OR username = $2', id, username),
    profiles: await q('SELECT count(*) AS n FROM "FingerprintProfile" WHERE "userId" = $1', id),
    orphanChanges: await q('SELECT count(*) AS n FROM "FingerprintChange" c LEFT JOIN "FingerprintProfile" p ON p.id = c."profileId" WHERE p.id IS NULL'),
    roles: await q('SELECT count(*) AS n FROM "RoleAssignment" WHERE kind = \'user\' AND subject = $1', id),
    permissionChanges: await q('SELECT count(*) AS n FROM "PermissionChange" WHERE kind = \'user\' AND subject = $1', id),
    oidc: await q('SELECT count(*) AS n FROM "OidcPayload" WHERE payload->>\'accountId\' = $1', id),
    finishedEvents: await q('SELECT count(*) AS n FROM "SecurityEvent" WHERE status <> \'pending\' AND (payload::text LIKE $1 OR "eventKey" LIKE $2)', `%${id}%`, `%${handle}%`),
  };
}
const NOTHING = { user: 0, profiles: 0, orphanChanges: 0, roles: 0, permissionChanges: 0, oidc: 0, finishedEvents: 0 };

async function userWithData(username: string) {
  const id = (await w.users.add({ username, password: PASSWORD, permissions: ['orders:read'] })).id;
  await addRole(w.t.issuer.db, `${username}-role`, ['orders:write']);
  await assignRole(w.t.issuer.db, { kind: 'user', id }, `${username}-role`);
  const { tokens } = await tokensFor(as(username));
  await introspect(w, tokens.access_token, { fingerprint: fp(OTHER_DEVICE) }); // a mismatch record
  return { id, tokens };
}

it('user export writes everything held about the user as JSON, without secrets', async () => {
  const { id } = await userWithData('erin');
  const data = JSON.parse(await run('user export', ['erin'])) as Record<string, any>;
  expect(data.user).toMatchObject({ id, username: 'erin', totpEnrolled: false, permissions: ['orders:read'] });
  expect(data.fingerprints).toHaveLength(1);
  expect(data.fingerprints[0]).toMatchObject({ coarse: { platform: 'Linux x86_64' }, changes: [expect.objectContaining({ outcome: 'mismatch' })] });
  expect(data.roles).toEqual([expect.objectContaining({ role: 'erin-role' })]);
  expect(data.sessionsAndGrants.map((s: { kind: string }) => s.kind).sort()).toEqual(['authorization_code', 'grant', 'refresh_token', 'session']); // the used code is kept until it expires (replay detection)
  const text = JSON.stringify(data);
  expect(text).not.toMatch(/passwordHash|\$argon2|totpSecret/);
  expect(text).not.toContain('Linux x86_64","canvas'); // component values are hashes
});

it('user erase removes the user and everything about them; no orphans; tokens stop', async () => {
  const { id, tokens } = await userWithData('frank');
  expect((await rowsNaming(id, 'frank')).profiles).toBe(1);
  const out = await run('user erase', ['frank']);
  expect(out).toMatch(/erased: 1 fingerprint profile/);
  expect(await rowsNaming(id, 'frank')).toEqual(NOTHING);
  expect((await introspect(w, tokens.access_token)).body).toEqual({ active: false });
  await expect(client.refreshTokenGrant(w.web, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  await expect(run('user erase', ['frank'])).rejects.toThrow(/no user frank/);
});

describe('/me/data', () => {
  /** A token for the account audience `<issuer>/me`, from a client registered for it. */
  async function accountToken(username: string): Promise<string> {
    const audience = `${w.t.url}/me`;
    await w.t.addResource({ audience, scopes: ['read'] }).catch(() => undefined); // once per world
    const secret = await w.t.addClient({ id: `account-${username}`, scopes: ['read'], audiences: [audience], grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT] });
    const config = await client.discovery(new URL(w.t.url), `account-${username}`, {}, client.ClientSecretBasic(secret), { execute: [client.allowInsecureRequests] });
    return (await tokensFor({ ...as(username), config, params: { resource: audience } })).tokens.access_token;
  }

  it('GET exports the caller, DELETE erases them; other users are untouched', async () => {
    const { id, tokens: apiTokens } = await userWithData('gina');
    const { id: otherId } = await userWithData('hugo');
    const token = await accountToken('gina');
    const me = (method: string, bearer = token, extra: Record<string, string> = {}) => fetch(`${w.t.url}/me/data`, { method, headers: { authorization: `Bearer ${bearer}`, ...extra } });
    // a token issued for a resource server cannot be replayed here (by that resource server or a thief)
    for (const method of ['GET', 'DELETE']) {
      const replayed = await me(method, apiTokens.access_token, { 'portcullis-fingerprint': fp(LAPTOP) });
      expect(replayed.status).toBe(401);
      expect(((await replayed.json()) as { error: string }).error).toBe('invalid_token');
    }
    expect((await rowsNaming(id, 'gina')).profiles).toBeGreaterThan(0); // nothing erased by the refused DELETE
    const got = await me('GET', token, { 'portcullis-fingerprint': fp(LAPTOP) });
    expect(got.status).toBe(200);
    expect(got.headers.get('cache-control')).toBe('no-store');
    expect(((await got.json()) as { user: { id: string } }).user.id).toBe(id);
    // a stolen token used from another device is refused
    expect((await me('GET', token, { 'portcullis-fingerprint': fp(OTHER_DEVICE) })).status).toBe(401);
    expect((await me('GET', 'not-a-token')).status).toBe(401);
    expect((await fetch(`${w.t.url}/me/data`)).status).toBe(401);
    expect((await me('DELETE')).status).toBe(204);
    expect(await rowsNaming(id, 'gina')).toEqual(NOTHING);
    expect((await me('GET')).status).toBe(401); // the token stopped with the user
    expect((await rowsNaming(otherId, 'hugo')).profiles).toBe(1);
  });
});

it('the purge job deletes profiles past FINGERPRINT_RETENTION and old change records', async () => {
  await userWithData('ivan');
  const db = w.t.issuer.db;
  const before = await db.prisma.fingerprintProfile.count();
  const task = builtinPurgeTasks({ db, config: w.t.config, revocation: undefined as never }).find((t) => t.name === 'fingerprints')!;
  expect(await task.purge(new Date(Date.now() + 29 * 86_400_000))).toBe(0); // inside FINGERPRINT_RETENTION (30d)
  expect(await task.purge(new Date(Date.now() + 31 * 86_400_000))).toBeGreaterThanOrEqual(before);
  expect(before).toBeGreaterThan(0);
  expect(await db.prisma.fingerprintProfile.count()).toBe(0);
  expect(await db.prisma.fingerprintChange.count()).toBe(0);
});

it('client update --fingerprint sets the policy; off requires DPoP, and leaving off lifts it; fingerprint key prints the key', async () => {
  await w.t.addClient({ id: 'app', scopes: ['read'], audiences: [API], grants: ['authorization_code'], redirectUris: [REDIRECT] });
  const metadata = async () => (await w.t.issuer.db.prisma.client.findUniqueOrThrow({ where: { id: 'app' } })).metadata as Record<string, unknown>;
  expect(await run('client update', ['--id', 'app', '--fingerprint', 'off'])).toMatch(/fingerprint off \(its tokens must now be DPoP-bound\)/);
  expect(await metadata()).toMatchObject({ portcullis_fingerprint: 'off', dpop_bound_access_tokens: true });
  await run('client update', ['--id', 'app', '--fingerprint', 'required']);
  expect(await metadata()).toMatchObject({ portcullis_fingerprint: 'required' });
  expect(await metadata()).not.toHaveProperty('dpop_bound_access_tokens');
  // a client the admin bound with --bind dpop stays DPoP-bound when it leaves `off`
  await addClient(w.t.issuer.db, await deploymentSecret(w.t.issuer.db, w.t.kek, 'client-secret'), {
    id: 'bound', grants: ['client_credentials'], scopes: ['read'], audiences: [API], binding: { dpopBound: true },
  });
  const boundMetadata = async () => (await w.t.issuer.db.prisma.client.findUniqueOrThrow({ where: { id: 'bound' } })).metadata as Record<string, unknown>;
  await run('client update', ['--id', 'bound', '--fingerprint', 'off']);
  await run('client update', ['--id', 'bound', '--fingerprint', 'optional']);
  expect(await boundMetadata()).toMatchObject({ portcullis_fingerprint: 'optional', dpop_bound_access_tokens: true });
  await expect(run('client update', ['--id', 'app', '--fingerprint', 'sometimes'])).rejects.toThrow(/--fingerprint must be one of required, optional, off/);
  await expect(run('client update', ['--id', 'nobody', '--fingerprint', 'off'])).rejects.toThrow(/no client nobody/);
  const key = (await run('fingerprint key', [])).trim().split('\n').at(-1)!;
  expect(Buffer.from(key, 'base64url')).toEqual(Buffer.from(await deploymentSecret(w.t.issuer.db, w.t.kek, 'fingerprint')));
});
