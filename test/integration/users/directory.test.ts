/**
 * The user directory on a real database: storage at rest, TOTP replay under
 * concurrency, grant and session revocation in the token state, and the admin commands.
 */
import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Secret, TOTP, URI } from 'otpauth';
import { userCommands } from '../../../scripts/admin/users.js';
import type { AdminContext } from '../../../scripts/admin/context.js';
import { deploymentSecret } from '../../../src/keys/index.js';
import { startUsersWorld, API, type UsersWorld } from './setup.js';

let w: UsersWorld;
beforeAll(async () => { w = await startUsersWorld(); });
afterAll(async () => { await w?.t.close(); });

async function admin(args: string[]): Promise<string> {
  const ctx = { config: w.t.config, db: w.t.issuer.db, kek: w.t.kek, secret: (n: string) => deploymentSecret(w.t.issuer.db, w.t.kek, n), close: async () => {} } as AdminContext;
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((s) => { lines.push(String(s)); return true; });
  try {
    await userCommands[`${args[0]} ${args[1]}`].run(ctx, args.slice(2));
  } finally { write.mockRestore(); }
  return lines.join('');
}

it('stores an Argon2id hash and an encrypted TOTP secret, never the secrets themselves', async () => {
  await w.users.add({ username: 'erin', password: 'erin password 1' });
  const uri = (await w.users.enrolTotp('erin'))!;
  const secret = (URI.parse(uri) as TOTP).secret.base32;
  const row = await w.t.issuer.db.prisma.user.findUniqueOrThrow({ where: { username: 'erin' } });
  expect(row.passwordHash).toMatch(/^\$argon2id\$/);
  expect(JSON.stringify(row)).not.toContain('erin password 1');
  expect(row.totpSecret).toMatch(/^v1\./);
  expect(row.totpSecret).not.toContain(secret);
});

it('accepts a TOTP code once even when two requests race with it', async () => {
  await w.users.add({ username: 'frank', password: 'frank password 1' });
  const user = (await w.users.find('frank'))!;
  const totp = URI.parse((await w.users.enrolTotp('frank'))!) as TOTP;
  const code = totp.generate();
  const results = await Promise.all([w.users.verifyTotp(user.id, code), w.users.verifyTotp(user.id, code)]);
  expect(results.filter(Boolean)).toHaveLength(1);
  expect(await w.users.verifyTotp(user.id, code)).toBe(false);
  expect(await w.users.verifyTotp(user.id, new TOTP({ secret: new Secret() }).generate())).toBe(false);
});

it('refuses bad input', async () => {
  await expect(w.users.add({ username: 'bad name', password: 'long enough' })).rejects.toThrow(TypeError);
  await expect(w.users.add({ username: 'shorty', password: 'short' })).rejects.toThrow(TypeError);
  await w.users.add({ username: 'gina', password: 'gina password 1' });
  await expect(w.users.add({ username: 'gina', password: 'gina password 2' })).rejects.toThrow('already exists');
  expect(await w.users.authenticate('gina\u0000', 'gina password 1')).toBeUndefined();
  expect(await w.users.find('x\u0000')).toBeUndefined();
});

it('grant and session revocations stop exactly the tokens that carry them', async () => {
  const now = Math.floor(Date.now() / 1000);
  const issue = (gid: string, sid: string) => w.t.issuer.tokens.issue({ iss: w.t.url, sub: 'someone', aud: API, iat: now, exp: now + 300, jti: randomUUID(), client_id: 'web', kind: 'AccessToken', gid, sid } as never);
  const [t1, t2, t3] = await Promise.all([issue('g1', 's1'), issue('g2', 's2'), issue('g3', 's3')]);
  await w.t.issuer.tokens.revokeGrant('g1');
  await w.t.issuer.tokens.revokeSession('s2');
  expect(await w.t.issuer.tokens.open(t1)).toBeUndefined();
  expect(await w.t.issuer.tokens.open(t2)).toBeUndefined();
  expect(await w.t.issuer.tokens.open(t3)).toBeDefined();
});

it('admin commands list, disable, enable, enrol and delete users, never printing a password', async () => {
  await w.users.add({ username: 'hank', password: 'hank password 1', permissions: ['orders:read'] });
  expect(await admin(['user', 'list'])).toMatch(/hank\tid=[0-9a-f-]{36}\tenabled\ttotp=no\tpermissions=orders:read/);
  expect(await admin(['user', 'disable', 'hank'])).toContain('disabled');
  expect(await w.users.authenticate('hank', 'hank password 1')).toBeUndefined();
  expect(await admin(['user', 'enable', '--username', 'hank'])).toContain('enabled');
  expect(await w.users.authenticate('hank', 'hank password 1')).toBeDefined();
  expect(await admin(['user', 'totp', 'enrol', 'hank'])).toMatch(/otpauth:\/\/totp\/.*secret=[A-Z2-7]+/);
  const listed = await admin(['user', 'list', '--json']);
  expect(JSON.parse(listed).find((u: { username: string }) => u.username === 'hank')).toMatchObject({ totp: true, disabled: false });
  expect(listed).not.toMatch(/argon2|password/);
  expect(await admin(['user', 'delete', 'hank'])).toContain('deleted');
  expect(await w.users.find('hank')).toBeUndefined();
  await expect(admin(['user', 'revoke', 'hank'])).rejects.toThrow('no user hank');
});
