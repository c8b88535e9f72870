/**
 * Risk administration: `events list` and `events stats` read the security event log;
 * `user unlock` ends a risk lockout and records an override (counted by `events stats`
 * as the false-positive rate); `client unlock` does the same for a client.
 *
 * The log names people only by their pseudonymous subject key. `events list --subject
 * NAME` is the one way from a name to its records: it computes the key (and, for an
 * account, the key of its user id) and records the look-up in the privacy audit.
 * `--key KEY` lists the events of a key as an alert carried it, without a name.
 */
import { AdminRefusal, liftClientLockouts } from '../../src/admin/index.js';
import { actor, adminService } from './service.js';
import { parseDuration } from '../../src/config/index.js';
import { recordAudit } from '../../src/privacy/index.js';
import { listRiskEvents, riskEventStats, unlockUser, unfamiliarSubject, type RiskEventKind } from '../../src/risk/index.js';
import { options, UsageError } from './args.js';
import { out, type Command } from './command.js';
import type { AdminContext } from './context.js';

const KINDS = ['signal', 'decision', 'override'];

/** Who `--subject NAME` or `--key KEY` stands for (undefined: everyone). */
async function subjectOf(ctx: AdminContext, values: { subject?: unknown; key?: unknown }): Promise<{ keys: string[]; byName: boolean; account: boolean } | undefined> {
  if (values.subject !== undefined && values.key !== undefined) throw new UsageError('give --subject NAME or --key KEY, not both');
  if (typeof values.key === 'string') return { keys: [values.key], byName: false, account: false };
  if (typeof values.subject !== 'string') return undefined;
  if (!values.subject.trim() || values.subject.length > 255) throw new UsageError('--subject takes a username');
  const keys = await ctx.subjectKeys();
  const user = await ctx.db.prisma.user.findFirst({ where: { username: { equals: values.subject.trim(), mode: 'insensitive' } }, select: { id: true } });
  // the name's key first (the audit names it); then its unfamiliar side (docs/lockout.md) and the user id's key
  const named = [keys.ofName(values.subject), unfamiliarSubject(keys.ofName(values.subject))];
  return { keys: user ? [...named, keys.ofUser(user.id)] : named, byName: true, account: Boolean(user) };
}

/**
 * A look-up by name goes into the privacy audit, under the name's key when it found
 * someone (an account or records). One that found no one names no one: otherwise
 * looking up an erased person would store their key again.
 */
async function auditLookup(ctx: AdminContext, who: { keys: string[]; account: boolean }, found: number, query: Record<string, unknown>): Promise<void> {
  const subjectKey = who.account || found > 0 ? who.keys[0] : undefined;
  await recordAudit(ctx.db, { action: 'risk.lookup', actor: 'admin', subjectKey, details: { command: 'events list', found, ...query } });
}

function since(text: string | undefined, fallback: string): Date {
  const seconds = parseDuration(text ?? fallback);
  if (seconds === undefined) throw new UsageError('--since takes a duration such as 30m, 1h or 7d');
  return new Date(Date.now() - seconds * 1000);
}

export const riskCommands: Record<string, Command> = {
  'events list': {
    async run(ctx, args) {
      const { values } = options(args, { subject: { type: 'string' }, key: { type: 'string' }, since: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } });
      const kind = values.kind as string | undefined;
      if (kind && !KINDS.includes(kind)) throw new UsageError(`--kind is one of ${KINDS.join(', ')}`);
      const limit = values.limit === undefined ? 100 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit is 1 to 10000');
      const query = { since: since(values.since as string | undefined, '1d'), kind: kind as RiskEventKind | undefined, name: values.name as string | undefined, limit };
      const who = await subjectOf(ctx, values);
      const rows = await listRiskEvents(ctx.db, { ...query, subjectKeys: who?.keys });
      if (who?.byName) await auditLookup(ctx, who, rows.length, { since: query.since.toISOString(), kind: query.kind, name: query.name });
      if (values.json) { out(JSON.stringify(rows)); return; }
      for (const r of rows) {
        out(`${r.at.toISOString()}\t${r.kind}\t${r.name}\tsubject=${r.subjectKey ?? '-'}\tclient=${r.clientId ?? '-'}\tnet=${r.ipCoarse ?? '-'}\tcountry=${r.country ?? '-'}\tscore=${r.score}\t${JSON.stringify(r.details)}`);
      }
      if (!rows.length) out('no risk events');
    },
  },
  'events stats': {
    async run(ctx, args) {
      const { values } = options(args, { since: { type: 'string' }, json: { type: 'boolean' } });
      const stats = await riskEventStats(ctx.db, since(values.since as string | undefined, '30d'));
      if (values.json) { out(JSON.stringify(stats)); return; }
      for (const [name, count] of Object.entries(stats.counts).sort()) out(`${name}\t${count}`);
      out(`lockouts ${stats.lockouts}, unlocked by an admin ${stats.overrides}: override rate ${(stats.overrideRate * 100).toFixed(1)}%`);
    },
  },
  'user unlock': {
    async run(ctx, args) {
      const { values, positionals } = options(args, { username: { type: 'string' } }, 1);
      const who = (values.username as string | undefined) ?? positionals[0];
      if (!who || who.length > 64) throw new UsageError('give the username (user unlock NAME)');
      if (!await unlockUser(ctx.db, await ctx.subjectKeys(), who, 'admin')) throw new UsageError(`user ${who} is not locked out`);
      out(`user ${who} unlocked; recorded as an override`);
    },
  },
  'client unlock': {
    async run(ctx, args) {
      const { values, positionals } = options(args, { id: { type: 'string' } }, 1);
      const id = (values.id as string | undefined) ?? positionals[0];
      if (!id || id.length > 255) throw new UsageError('give the client id (client unlock ID)');
      try {
        await liftClientLockouts(await adminService(ctx), actor(), id);
      } catch (err) {
        // the throttle's lockouts (429 at /token) live inside the issuer, out of the CLI's reach
        if (err instanceof AdminRefusal && err.code === 'not_found') throw new UsageError(`client ${id} has no risk lockout; a throttle lockout (429 at /token) is lifted by the admin API: DELETE /admin/v1/lockouts/clients/${id}`);
        throw err;
      }
      out(`client ${id} unlocked; recorded as an override`);
    },
  },
};
