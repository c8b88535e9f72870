/**
 * The admin service (src/admin) as the CLI calls it: changes are recorded in the audit
 * trail as made by `cli:<OS user>`.
 */
import { cliActor, type AdminDeps } from '../../src/admin/index.js';
import { publishKeyChange } from '../../src/keys/index.js';
import { longestTokenTtl } from '../../src/registry/index.js';
import type { AdminContext } from './context.js';
import { revokeSubject } from './subject-revoke.js';

/** How long a removal must be remembered: until the last token issued before it has expired. */
export async function keepRemovalUntil(ctx: AdminContext): Promise<Date> {
  const ttl = await longestTokenTtl(ctx.db, ctx.config.accessTokenTtl) + ctx.config.clockTolerance;
  return new Date(Date.now() + ttl * 1000);
}

/** The service's dependencies, from the CLI's context. */
export async function adminService(ctx: AdminContext): Promise<AdminDeps> {
  return {
    db: ctx.db, kek: ctx.kek, keysChanged: () => publishKeyChange(ctx.config.redisUrl, ctx.config.redisTimeouts), clientPepper: await ctx.secret('client-secret'), addressPepper: await ctx.secret('risk-ip-hash'),
    keepRemovalUntil: () => keepRemovalUntil(ctx), defaultTokenTtl: ctx.config.accessTokenTtl,
    keyPolicy: { alg: ctx.config.signingAlg, masterPeriodSec: ctx.config.masterSecretRotation },
    revokeSubject: async (sub, reason) => { await revokeSubject(ctx, sub, reason); },
  };
}

export const actor = cliActor;
