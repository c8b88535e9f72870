/**
 * The roles and permissions admin commands against a running issuer process: each
 * change reaches the next token the running issuer issues (within its one-second
 * grant cache), `role list` shows roles and holders, and bad input is one line on
 * stderr with exit 2, changing nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, freePort, linesOf, runAdmin, startIssuerProcess, stopAllIssuers, waitFor, type Exited } from '../admin/processes.js';
import { oauthClient, type OAuthClient } from '../admin/oauth.js';

const AUDIENCE = 'https://ledger.admin-authz.test';
const SECRET = 'authz-admin-secret-0123456789-abcdefghij';
let root: string;
let env: Record<string, string>;
let svc: OAuthClient;

async function admin(args: string[], stdin?: string): Promise<string> {
  const result = await runAdmin(args, env, stdin);
  if (result.code !== 0) throw new Error(`admin ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/**
 * Waits until the issuer process's next token carries `expected` for `scope`: a change
 * reaches it once its one-second memory of the grants has passed (that process keeps
 * real time, so this polls the change's effect rather than sleeping).
 */
async function reaches(scope: string, expected: string[]): Promise<void> {
  await waitFor(`the next ${scope} token to carry ${expected.join(' ') || 'no permissions'}`, 5000, async () => JSON.stringify(await permissions(scope)) === JSON.stringify(expected));
}
async function permissions(scope: string): Promise<unknown> {
  return (await svc.introspect(await svc.token(AUDIENCE, scope))).permissions;
}

beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), 'pc-authz-admin-'));
  env = { DATA_DIR: join(root, 'data'), KEYS_DIR: join(root, 'keys') };
  const port = await freePort();
  const issuer = await startIssuerProcess(port, { ...env, ISSUER: `http://127.0.0.1:${port}` });
  await admin(['resource', 'add', '--audience', AUDIENCE, '--scopes', 'ledger ledger:read']);
  await admin(['client', 'add', '--id', 'svc', '--secret-stdin', '--scopes', 'ledger ledger:read', '--audience', AUDIENCE], `${SECRET}\n`);
  svc = await oauthClient(issuer.url, 'svc', SECRET);
});

afterAll(async () => {
  await stopAllIssuers();
  await rm(root, { recursive: true, force: true });
});

describe('role commands change what the running issuer puts in new tokens', () => {
  it('role add + client assign: the next token carries the role\'s permissions within scope', async () => {
    expect(await permissions('ledger')).toEqual([]);
    expect(await admin(['role', 'add', '--name', 'bookkeeper', '--permissions', 'ledger:read ledger:post'])).toMatch(/role bookkeeper added/);
    expect(await admin(['client', 'assign', '--client', 'svc', '--role', 'bookkeeper'])).toMatch(/client svc now holds role bookkeeper/);
    await reaches('ledger', ['ledger:post', 'ledger:read']);
    expect(await permissions('ledger:read')).toEqual(['ledger:read']);
  });

  it('role grant adds permissions; role list shows them and the holders', async () => {
    expect(await admin(['role', 'grant', '--role', 'bookkeeper', '--permissions', 'ledger:close,reports:read'])).toMatch(/ledger:read ledger:post ledger:close reports:read/);
    await reaches('ledger', ['ledger:close', 'ledger:post', 'ledger:read']);
    const roles = JSON.parse(await admin(['role', 'list', '--json'])) as unknown[];
    expect(roles).toEqual([{ name: 'bookkeeper', permissions: ['ledger:read', 'ledger:post', 'ledger:close', 'reports:read'], holders: [{ kind: 'client', id: 'svc' }] }]);
    expect(await admin(['role', 'list'])).toBe('bookkeeper\tpermissions=ledger:read,ledger:post,ledger:close,reports:read\tholders=client:svc\n');
  });

  it('user assign takes a username, holds the role by user id; an unknown user is refused; client unassign empties the next token', async () => {
    await admin(['user', 'add', '--username', 'alice@example.com', '--password-stdin'], 'correct horse battery staple\n');
    const [alice] = JSON.parse(await admin(['user', 'list', '--json'])) as { id: string; username: string }[];
    expect(await admin(['user', 'assign', '--user', 'alice@example.com', '--role', 'bookkeeper'])).toMatch(new RegExp(`user ${alice.id} now holds role bookkeeper`));
    const unknown = await runAdmin(['user', 'assign', '--user', 'nobody', '--role', 'bookkeeper'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('portcullis admin: no user nobody\n');
    expect(await admin(['client', 'unassign', '--client', 'svc', '--role', 'bookkeeper'])).toMatch(/no longer holds/);
    await reaches('ledger', []);
    expect(await admin(['role', 'remove', '--name', 'bookkeeper'])).toMatch(/held by 1 subject\b/);
    expect(await admin(['role', 'list'])).toBe('no roles\n');
  });
});

describe('client remove', () => {
  it('takes the client\'s roles, so a client registered again under the same id starts with none', async () => {
    await admin(['role', 'add', '--name', 'temp', '--permissions', 'ledger:read']);
    await admin(['client', 'add', '--id', 'short-lived', '--secret-stdin', '--scopes', 'ledger', '--audience', AUDIENCE], `${SECRET}\n`);
    await admin(['client', 'assign', '--client', 'short-lived', '--role', 'temp']);
    await admin(['client', 'remove', 'short-lived']);
    const roles = JSON.parse(await admin(['role', 'list', '--json'])) as Array<{ name: string; holders: unknown[] }>;
    expect(roles.find((r) => r.name === 'temp')?.holders).toEqual([]);
    await admin(['role', 'remove', 'temp']);
  });
});

describe('bad input: exit 2, one line, nothing changed', () => {
  beforeAll(async () => { await admin(['role', 'add', '--name', 'viewer', '--permissions', 'ledger:read']); });

  function expectUsage(result: Exited, message: RegExp): void {
    expect(result.code).toBe(2);
    const lines = linesOf(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^portcullis admin: /);
    expect(lines[0]).toMatch(message);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe('');
  }

  it.each<[string, string[], RegExp]>([
    ['role add without --name', ['role', 'add', '--permissions', 'a'], /--name is required/],
    ['a bad role name', ['role', 'add', '--name', 'no spaces allowed', '--permissions', 'a'], /role name must be/],
    ['a bad permission', ['role', 'add', '--name', 'r2', '--permissions', 'ok bad:*'], /invalid permission "bad:\*"/],
    ['an existing role', ['role', 'add', '--name', 'viewer'], /role viewer exists/],
    ['role grant without permissions', ['role', 'grant', '--role', 'viewer'], /--permissions is required/],
    ['role grant to an unknown role', ['role', 'grant', '--role', 'ghost', '--permissions', 'a'], /no role ghost/],
    ['role remove of an unknown role', ['role', 'remove', 'ghost'], /no role ghost/],
    ['client assign of an unknown client', ['client', 'assign', '--client', 'ghost', '--role', 'viewer'], /no client ghost/],
    ['client assign of an unknown role', ['client', 'assign', '--client', 'svc', '--role', 'ghost'], /no role ghost/],
    ['user assign without --user', ['user', 'assign', '--role', 'viewer'], /--user is required/],
    ['a user id with a control character', ['user', 'assign', '--user', 'bob\u0001', '--role', 'viewer'], /user id must be/],
    ['unassigning a role not held', ['client', 'unassign', '--client', 'svc', '--role', 'viewer'], /does not hold role viewer/],
    ['an unknown option', ['role', 'list', '--bogus'], /--bogus/],
  ])('%s', async (_name, args, message) => {
    expectUsage(await runAdmin(args, env), message);
  });

  it('changed nothing', async () => {
    const roles = JSON.parse(await admin(['role', 'list', '--json'])) as unknown[];
    expect(roles).toEqual([{ name: 'viewer', permissions: ['ledger:read'], holders: [] }]);
  });
});
