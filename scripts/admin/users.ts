/**
 * User administration: `user add|list|disable|enable|delete|revoke|totp enrol`.
 * Passwords arrive on standard input only (never in argv, where `ps` would show them)
 * and are never printed. `user totp enrol` prints the otpauth URI once.
 */
import { longestTokenTtl } from '../../src/registry/index.js';
import { createRevocationService } from '../../src/revocation/index.js';
import { subjectHandle } from '../../src/keys/index.js';
import { forgetSubject } from '../../src/authz/index.js';
import { adminEmitter } from './events.js';
import { createUserService, revokeUser, userProblem, type UserService, type UserView } from '../../src/users/index.js';
import { list, options, readStdin, UsageError } from './args.js';
import { out, type Command } from './command.js';
import type { AdminContext } from './context.js';

const users = (ctx: AdminContext): UserService => createUserService({ db: ctx.db, kek: ctx.kek, issuer: ctx.config.issuer });

function target(args: string[]): string {
  const { values, positionals } = options(args, { username: { type: 'string' } }, 1);
  const who = (values.username as string | undefined) ?? positionals[0];
  if (!who) throw new UsageError('give the user (--username NAME, or the user id)');
  return who;
}

async function existing(ctx: AdminContext, who: string): Promise<UserView> {
  const user = await users(ctx).find(who);
  if (!user) throw new UsageError(`no user ${who}`);
  return user;
}

function toggle(disabled: boolean): Command {
  return {
    async run(ctx, args) {
      const who = target(args);
      const user = await users(ctx).setDisabled(who, disabled);
      if (!user) throw new UsageError(`no user ${who}`);
      await emit(ctx, { type: disabled ? 'account.disabled' : 'account.enabled', sub: user.id, initiator: 'admin' });
      out(`user ${user.username} ${disabled ? 'disabled: sign-in refused (use `user revoke` to end existing sessions and tokens too)' : 'enabled'}`);
    },
  };
}

/** Ends every token, grant and session of a user; `keepUntil` is when the last of them has expired. */
async function revokeAll(ctx: AdminContext, user: UserView) {
  const revocation = createRevocationService({ db: ctx.db, subjectCacheTtlSec: 0 });
  const keepSec = await longestTokenTtl(ctx.db, ctx.config.accessTokenTtl) + ctx.config.clockTolerance;
  const keepUntil = new Date(Date.now() + keepSec * 1000);
  const handlePepper = await ctx.secret('subject-handle');
  const result = await revokeUser({ db: ctx.db, revocation, handlePepper }, user.id, keepUntil);
  await emit(ctx, { type: 'subject.revoked', sub: user.id, generation: result.generation, initiator: 'admin' });
  return { ...result, keepUntil, handle: subjectHandle(handlePepper, user.id) };
}

/** Tells event receivers about an admin change to a user. */
async function emit(ctx: AdminContext, event: Parameters<Awaited<ReturnType<typeof adminEmitter>>['emit']>[0]): Promise<void> {
  const events = await adminEmitter(ctx);
  try { await events.emit(event); } finally { await events.close(); }
}

export const userCommands: Record<string, Command> = {
  'user add': {
    async run(ctx, args) {
      const { values } = options(args, { username: { type: 'string' }, 'password-stdin': { type: 'boolean' }, permissions: { type: 'string' } });
      if (!values['password-stdin']) throw new UsageError('give the password on standard input with --password-stdin');
      if (process.stdin.isTTY) throw new UsageError('--password-stdin expects the password on standard input (pipe it in)');
      const input = { username: String(values.username ?? '').trim(), password: await readStdin(), permissions: list(values.permissions) };
      const problem = userProblem(input);
      if (problem) throw new UsageError(problem);
      if (await users(ctx).find(input.username)) throw new UsageError(`user ${input.username} already exists`);
      const user = await users(ctx).add(input);
      out(`user ${user.username} added (id ${user.id}; permissions: ${user.permissions || '-'})`);
    },
  },
  'user list': {
    async run(ctx, args) {
      const { values } = options(args, { json: { type: 'boolean' } });
      const rows = await users(ctx).list();
      if (values.json) { out(JSON.stringify(rows)); return; }
      for (const u of rows) out(`${u.username}\tid=${u.id}\t${u.disabled ? 'disabled' : 'enabled'}\ttotp=${u.totp ? 'yes' : 'no'}\tpermissions=${u.permissions || '-'}`);
      if (!rows.length) out('no users');
    },
  },
  'user disable': toggle(true),
  'user enable': toggle(false),
  'user delete': {
    async run(ctx, args) {
      const user = await existing(ctx, target(args));
      const revoked = await revokeAll(ctx, user);
      await users(ctx).remove(user.id);
      await forgetSubject(ctx.db, { kind: 'user', id: user.id }); // a later user must not inherit roles
      // the generation row only stops the tokens issued before; the purge job drops it once they expired
      await ctx.db.prisma.subjectKey.updateMany({ where: { handle: revoked.handle }, data: { dropAfter: revoked.keepUntil } });
      out(`user ${user.username} deleted; their sessions, grants and tokens are revoked`);
    },
  },
  'user revoke': {
    async run(ctx, args) {
      const user = await existing(ctx, target(args));
      const r = await revokeAll(ctx, user);
      out(`user ${user.username} revoked: key generation ${r.generation}, ${r.grants} grant(s) and ${r.sessions} session(s) ended; every earlier token stops opening`);
    },
  },
  'user totp': {
    async run(ctx, args) {
      const [sub, ...rest] = args;
      if (sub !== 'enrol') throw new UsageError('usage: user totp enrol --username NAME');
      const user = await existing(ctx, target(rest));
      const uri = await users(ctx).enrolTotp(user.id);
      out(`TOTP enrolled for ${user.username}; add this to an authenticator app (shown once):`);
      out(uri ?? '');
    },
  },
};
