/**
 * The admin commands, one entry each. Registry changes take effect in running
 * issuers within a second, removals at once (the revocation state records them); key changes at once where Redis carries the notice, else
 * within KEY_RELOAD_INTERVAL.
 */
import { PSEUDONYMISE_RISK } from '../../src/privacy/index.js';
import { configTable, loadConfig, lockoutTable } from '../../src/config/index.js';
import { listClients, listResources } from '../../src/registry/index.js';
import { options, UsageError } from './args.js';
import { authzCommands } from './authz.js';
import type { AdminContext } from './context.js';
import { out, type Command } from './command.js';
import { adminApiCommands } from './admin-api.js';
import { auditCommands } from './audit.js';
import { clientCommands } from './clients.js';
import { resourceCommands } from './resources.js';
import { actor, adminService } from './service.js';
import { recordChange, rotateKeys } from '../../src/admin/index.js';
import { userCommands } from './users.js';
import { eventCommands } from './events.js';
import { revokeSubject } from './subject-revoke.js';
import { privacyCommands } from './privacy.js';
import { riskCommands } from './risk.js';

export { UsageError };
export type { AdminContext, Command };

/** Every admin command by "group command". Areas added later spread their own record in here. */
export const commands: Record<string, Command> = {
  ...clientCommands,
  'client list': {
    async run(ctx, args) {
      const { values } = options(args, { json: { type: 'boolean' } });
      const rows = await listClients(ctx.db);
      if (values.json) { out(JSON.stringify(rows)); return; }
      for (const c of rows) out(`${c.id}\tgrants=${c.grants.join(',')}\tscopes=${c.scopes || '-'}\taudiences=${c.audiences.join(',') || '-'}\tfingerprint=${c.fingerprint}`);
      if (!rows.length) out('no clients');
    },
  },
  ...resourceCommands,
  'resource list': {
    async run(ctx, args) {
      const { values } = options(args, { json: { type: 'boolean' } });
      const rows = await listResources(ctx.db);
      if (values.json) { out(JSON.stringify(rows)); return; }
      for (const r of rows) out(`${r.audience}\tscopes=${r.scopes}\tttl=${r.accessTokenTtl}s\tintrospector=${r.introspector ?? '-'}`);
      if (!rows.length) out('no resource servers');
    },
  },
  'subject revoke': {
    async run(ctx, args) {
      const { positionals } = options(args, {}, 1);
      const sub = positionals[0];
      if (!sub || sub.length > 255) throw new UsageError('give the subject (a client id or user id)');
      const generation = await revokeSubject(ctx, sub);
      out(`subject ${sub} revoked: key generation is now ${generation}; every earlier token of this subject stops opening`);
    },
  },
  'keys rotate': {
    async run(ctx, args) {
      const { values } = options(args, { 'if-due': { type: 'boolean' }, masters: { type: 'boolean' } });
      const { signing, masters } = await rotateKeys(await adminService(ctx), actor(), { masters: Boolean(values.masters), ifDueAfterSec: values['if-due'] ? ctx.config.signingKeyRotation : undefined });
      out(signing.rotated ? `signing key rotated: current ${signing.current}, next ${signing.next} (published, not yet signing)` : `signing key not due: current ${signing.current}`);
      if (signing.retired.length) out(`retired keys removed from JWKS: ${signing.retired.join(', ')}`);
      out(masters.length ? `master secrets ratcheted for: ${masters.join(', ')}` : 'no master secret due');
    },
  },
  'keys list': {
    async run(ctx) {
      const keys = await ctx.db.prisma.signingKey.findMany({ orderBy: { createdAt: 'asc' } });
      for (const k of keys) out(`${k.kid}\t${k.alg}\t${k.state}\tcreated=${k.createdAt.toISOString()}${k.retireAfter ? `\tretires=${k.retireAfter.toISOString()}` : ''}`);
    },
  },
  'db migrate': {
    // opening the context applied the SQL migrations and the data migration (context.ts)
    async run(ctx) {
      out('database schema is up to date');
      const done = await ctx.db.prisma.dataMigration.findUnique({ where: { name: PSEUDONYMISE_RISK } });
      out(`risk records pseudonymised: ${done ? `${done.rows} row(s) rekeyed since ${done.firstRun.toISOString()}` : 'none stored in clear'}`);
    },
  },
  ...userCommands,
  ...auditCommands,
  ...adminApiCommands,
  ...eventCommands,
  ...riskCommands,
  'config table': {
    needsDatabase: false,
    async run() {
      for (const line of configTable()) out(line);
    },
  },
  'config lockout-table': {
    needsDatabase: false,
    async run() {
      for (const line of lockoutTable(loadConfig({}))) out(line);
    },
  },
  ...authzCommands,
  ...privacyCommands,
  // after privacyCommands: this one takes a whole registration, or hands the policy change on
  'client update': {
    async run(ctx, args) {
      // `--id ID --fingerprint MODE` alone changes only the policy (privacy.ts)
      if (args.filter((a) => a.startsWith('--')).every((a) => ['--id', '--fingerprint'].includes(a.split('=')[0]))) {
        await privacyCommands['client update'].run(ctx, args);
        const { values } = options(args, { id: { type: 'string' }, fingerprint: { type: 'string' } });
        await recordChange(ctx.db.prisma, await ctx.secret('risk-ip-hash'), actor(), { operation: 'client.update', target: String(values.id), fields: ['fingerprint'] });
        return;
      }
      return clientCommands['client update'].run(ctx, args);
    },
  },
};

