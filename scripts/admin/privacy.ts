/**
 * Device fingerprints and data rights:
 *   client update --id ID --fingerprint required|optional|off
 *   user export NAME    everything held about the user, as JSON on stdout
 *   user erase NAME     removes the user and everything about them
 *   fingerprint key     the key resource servers need for the SDK's local digest check
 *   privacy inventory   the data inventory table of docs/privacy.md
 * (`client add --fingerprint MODE` is in commands.ts.)
 */
import { FINGERPRINT_POLICIES, type FingerprintPolicy } from '../../src/fingerprint/index.js';
import { eraseUser, exportUser, inventoryTable, type PrivacyDeps } from '../../src/privacy/index.js';
import { longestTokenTtl, setClientFingerprint } from '../../src/registry/index.js';
import { createRevocationService } from '../../src/revocation/index.js';
import { createUserService } from '../../src/users/index.js';
import { options, UsageError } from './args.js';
import { out, type Command } from './command.js';
import type { AdminContext } from './context.js';
import { adminEmitter } from './events.js';

/** The --fingerprint option's value, checked. */
export function fingerprintOption(value: unknown): FingerprintPolicy | undefined {
  if (value === undefined) return undefined;
  if (!(FINGERPRINT_POLICIES as readonly unknown[]).includes(value)) throw new UsageError(`--fingerprint must be one of ${FINGERPRINT_POLICIES.join(', ')}`);
  return value as FingerprintPolicy;
}

/** What export and erasure key a person's records by. */
async function privacyDeps(ctx: AdminContext): Promise<PrivacyDeps> {
  return { db: ctx.db, handlePepper: await ctx.secret('subject-handle'), keys: await ctx.subjectKeys() };
}

async function userId(ctx: AdminContext, args: string[]): Promise<string> {
  const { values, positionals } = options(args, { username: { type: 'string' } }, 1);
  const who = (values.username as string | undefined) ?? positionals[0];
  if (!who) throw new UsageError('give the user (--username NAME, or the user id)');
  const user = await createUserService({ db: ctx.db, kek: ctx.kek, issuer: ctx.config.issuer }).find(who);
  if (!user) throw new UsageError(`no user ${who}`);
  return user.id;
}

export const privacyCommands: Record<string, Command> = {
  'privacy inventory': {
    needsDatabase: false,
    async run() {
      for (const line of inventoryTable()) out(line);
    },
  },
  'fingerprint key': {
    async run(ctx) {
      const key = await ctx.secret('fingerprint');
      out('fingerprint key (give it to resource servers using the SDK fingerprint check as PORTCULLIS_FINGERPRINT_KEY; keep it secret):');
      out(Buffer.from(key).toString('base64url'));
    },
  },
  'client update': {
    async run(ctx, args) {
      const { values } = options(args, { id: { type: 'string' }, fingerprint: { type: 'string' } });
      const id = values.id as string | undefined;
      if (!id) throw new UsageError('give the client id (--id ID)');
      const policy = fingerprintOption(values.fingerprint);
      if (!policy) throw new UsageError('nothing to update (--fingerprint required|optional|off)');
      if (!await setClientFingerprint(ctx.db, id, policy)) throw new UsageError(`no client ${id}`);
      out(`client ${id}: fingerprint ${policy}${policy === 'off' ? ' (its tokens must now be DPoP-bound)' : ''}`);
    },
  },
  'user export': {
    async run(ctx, args) {
      const id = await userId(ctx, args);
      const data = await exportUser(await privacyDeps(ctx), id, 'admin');
      out(JSON.stringify(data, null, 2));
    },
  },
  'user erase': {
    async run(ctx, args) {
      const id = await userId(ctx, args);
      const revocation = createRevocationService({ db: ctx.db, subjectCacheTtlSec: 0 });
      const keep = new Date(Date.now() + (await longestTokenTtl(ctx.db, ctx.config.accessTokenTtl) + ctx.config.clockTolerance) * 1000);
      const erased = await eraseUser({ ...await privacyDeps(ctx), revocation }, id, keep, 'admin');
      if (!erased) throw new UsageError(`no user ${id}`);
      const events = await adminEmitter(ctx);
      try { await events.emit({ type: 'subject.revoked', sub: id, generation: erased.generation, initiator: 'admin' }); } finally { await events.close(); }
      out(`user ${id} erased: ${erased.profiles} fingerprint profile(s), ${erased.grants} grant(s), ${erased.sessions} session(s), ${erased.oidc} other sign-in record(s), ${erased.roles} role assignment(s), `
        + `${erased.permissionChanges} permission record(s), ${erased.events} security event(s), ${erased.riskEvents} risk event(s), ${erased.lockouts} lockout(s), ${erased.stepUps} step-up requirement(s); every token stopped`);
    },
  },
};
