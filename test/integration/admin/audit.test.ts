/**
 * The admin CLI goes through the admin service: every change it makes is in the audit
 * trail (who: `cli:<OS user>`, the operation, the record, the names of the fields set,
 * never a secret), `client rotate-secret` replaces a secret at once, and a client whose
 * scopes its audiences do not register is refused at registration.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, freePort, linesOf, runAdmin, startIssuerProcess, stopAllIssuers } from './processes.js';

const API = 'https://api.audit.example';
const SECRET = 'audit-secret-0123456789-abcdefghijklmnop';
let root: string;
let env: Record<string, string>;
let issuer: string;

interface Entry { actor: string; operation: string; target: string; fields: string[]; ipHash: string | null }

beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), 'pc-admin-audit-'));
  env = { DATA_DIR: join(root, 'data'), KEYS_DIR: join(root, 'keys') };
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  await startIssuerProcess(port, { ...env, ISSUER: issuer });
  expect((await runAdmin(['resource', 'add', '--audience', API, '--scopes', 'read write'], env)).code).toBe(0);
});

afterAll(async () => {
  await stopAllIssuers();
  await rm(root, { recursive: true, force: true });
});

async function audit(...filters: string[]): Promise<{ entries: Entry[]; next?: string }> {
  const result = await runAdmin(['audit', 'list', '--json', ...filters], env);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as { entries: Entry[]; next?: string };
}

async function tokenStatus(id: string, secret: string): Promise<number> {
  const res = await fetch(`${issuer}/token`, {
    method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
  });
  return res.status;
}

describe('the admin CLI records its changes and rotates secrets', () => {
  it('client add, update, rotate-secret and remove each leave one entry naming fields, never the secret', async () => {
    expect((await runAdmin(['client', 'add', '--id', 'ledger', '--secret-stdin', '--scopes', 'read', '--audience', API], env, SECRET)).code).toBe(0);
    expect((await runAdmin(['client', 'update', '--id', 'ledger', '--scopes', 'read write', '--audience', API], env)).code).toBe(0);
    const rotated = await runAdmin(['client', 'rotate-secret', 'ledger'], env);
    expect(rotated.code).toBe(0);
    const fresh = /client_secret \(shown once[^:]*\): (\S+)$/.exec(linesOf(rotated.stdout)[0])?.[1];
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await tokenStatus('ledger', SECRET)).toBe(401);
    expect(await tokenStatus('ledger', fresh!)).toBe(200);
    expect((await runAdmin(['client', 'remove', 'ledger'], env)).code).toBe(0);

    const { entries } = await audit('--target', 'ledger');
    const me = `cli:${userInfo().username}`;
    expect(entries.map((e) => [e.actor, e.operation, e.fields])).toEqual([
      [me, 'client.delete', []],
      [me, 'client.rotate-secret', ['secret']],
      [me, 'client.update', ['audiences', 'grants', 'scopes']],
      [me, 'client.create', ['audiences', 'grants', 'scopes', 'secret']],
    ]);
    const raw = (await runAdmin(['audit', 'list', '--json'], env)).stdout;
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain(fresh);
    expect(entries.every((e) => e.ipHash === null)).toBe(true); // the CLI has no address
  });

  it('a refused change leaves no entry and changes nothing', async () => {
    expect((await runAdmin(['client', 'add', '--id', 'taken', '--scopes', 'read', '--audience', API], env)).code).toBe(0);
    const before = (await audit()).entries.length;
    const taken = await runAdmin(['client', 'add', '--id', 'taken', '--audience', API], env);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/client taken already exists/);
    const reserved = await runAdmin(['client', 'add', '--id', 'portcullis-account', '--audience', API], env);
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toMatch(/client id portcullis-account is reserved/);
    expect((await runAdmin(['client', 'rotate-secret', 'nobody'], env)).stderr).toMatch(/no client nobody/);
    expect((await audit()).entries.length).toBe(before);
  });

  it('refuses a client whose scopes its audiences do not register, with the same message as the service', async () => {
    const result = await runAdmin(['client', 'add', '--id', 'greedy', '--scopes', 'read admin', '--audience', API], env);
    expect(result.code).toBe(2);
    expect(linesOf(result.stderr)).toEqual([`portcullis admin: scope admin is not registered by its audience ${API}`]);
    const listed = await runAdmin(['client', 'list', '--json'], env);
    expect(listed.stderr).toBe('');
    expect((JSON.parse(listed.stdout) as Array<{ id: string }>).map((c) => c.id)).not.toContain('greedy');
  });

  it('rotate-secret refuses a public client: it has no secret', async () => {
    expect((await runAdmin(['client', 'add', '--id', 'spa', '--public', '--grants', 'authorization_code', '--redirect-uri', 'https://spa.example/cb', '--scopes', 'read', '--audience', API], env)).code).toBe(0);
    const result = await runAdmin(['client', 'rotate-secret', 'spa'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/does not authenticate with a secret/);
  });

  it('client unlock without a risk lockout says where a throttle lockout is lifted', async () => {
    const result = await runAdmin(['client', 'unlock', 'spa'], env);
    expect(result.code).toBe(2);
    expect(linesOf(result.stderr)).toEqual(['portcullis admin: client spa has no risk lockout; a throttle lockout (429 at /token) is lifted by the admin API: DELETE /admin/v1/lockouts/clients/spa']);
  });

  it('changes outside the service are recorded too: roles, users (by subject key, never the name), fingerprint policy', async () => {
    expect((await runAdmin(['role', 'add', '--name', 'viewer', '--permissions', 'reports:read'], env)).code).toBe(0);
    expect((await runAdmin(['user', 'add', '--username', 'alice.audit', '--password-stdin'], env, 'correct horse battery staple 42')).code).toBe(0);
    expect((await runAdmin(['user', 'disable', 'alice.audit'], env)).code).toBe(0);
    expect((await runAdmin(['client', 'update', '--id', 'spa', '--fingerprint', 'required'], env)).code).toBe(0);
    const { entries } = await audit('--limit', '4');
    const [fingerprint, disabled, added, role] = entries;
    expect([role.operation, role.target, role.fields]).toEqual(['role.add', 'viewer', ['permissions']]);
    expect([added.operation, added.fields]).toEqual(['user.add', ['password-stdin']]);
    expect(added.target).toMatch(/^user:[A-Za-z0-9_-]{22}$/);
    expect([disabled.operation, disabled.target]).toEqual(['user.disable', added.target]);
    expect([fingerprint.operation, fingerprint.target, fingerprint.fields]).toEqual(['client.update', 'spa', ['fingerprint']]);
    const raw = (await runAdmin(['audit', 'list', '--json'], env)).stdout;
    expect(raw).not.toContain('alice');
    expect(raw).not.toContain('correct horse');

    // erasing the person leaves the entries about no one
    expect((await runAdmin(['user', 'erase', 'alice.audit'], env)).code).toBe(0);
    expect((await audit('--target', added.target)).entries).toEqual([]);
    expect((await audit('--target', 'user:erased')).entries.map((e) => e.operation)).toEqual(['user.disable', 'user.add']);
  });

  it('pages through the trail with a cursor', async () => {
    const first = await audit('--limit', '2');
    expect(first.entries).toHaveLength(2);
    expect(first.next).toBe(first.entries[1] && (first as unknown as { entries: Array<{ id: string }> }).entries[1].id);
    const second = await audit('--limit', '2', '--cursor', first.next!);
    const ids = (p: { entries: unknown[] }) => (p.entries as Array<{ id: string }>).map((e) => e.id);
    expect(ids(second).some((id) => ids(first).includes(id))).toBe(false);
    expect(second.entries.length).toBeGreaterThan(0);
  });
});
