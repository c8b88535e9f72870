/**
 * Admin CLI commands that change state outside the admin service (users, roles,
 * receivers, keys, subjects, a client's fingerprint policy and roles): each is recorded
 * in the audit trail once it succeeded, as the service records its own changes: the
 * operation `<group>.<command>`, the record it named, the names of the options given
 * (never their values). People appear by their pseudonymous subject key, as in every
 * other security record (docs/privacy.md).
 */
import { recordChange } from '../../src/admin/index.js';
import type { AdminContext } from './context.js';
import { actor } from './service.js';

/**
 * The option naming the record (else the last argument that is not an option), and whether
 * it names a person. `user erase` is absent: its own privacy audit entry records it about
 * no one, and the erasure turns this trail's entries about the person into `user:erased`.
 */
const RECORDED: Record<string, { option?: string; person?: boolean }> = {
  'user add': { option: 'username', person: true },
  'user disable': { option: 'username', person: true },
  'user enable': { option: 'username', person: true },
  'user delete': { option: 'username', person: true },
  'user revoke': { option: 'username', person: true },
  'user totp': { person: true },
  'user unlock': { option: 'username', person: true },
  'user assign': { option: 'user', person: true },
  'user unassign': { option: 'user', person: true },
  'client assign': { option: 'client' },
  'client unassign': { option: 'client' },
  'role add': { option: 'name' },
  'role grant': { option: 'role' },
  'role revoke': { option: 'role' },
  'role remove': { option: 'name' },
  'receiver add': { option: 'client' },
  'receiver remove': {},
  'subject revoke': {},
};

/** Records the change `command` made with `args`, if it is one of the commands above. */
export async function recordCliChange(ctx: AdminContext, command: string, args: string[]): Promise<void> {
  const spec = RECORDED[command];
  if (!spec) return;
  const named = spec.option ? optionValue(args, spec.option) : undefined;
  const plain = named ?? args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')).at(-1) ?? '-';
  const target = spec.person && plain !== '-' ? `user:${(await ctx.subjectKeys()).ofName(plain)}` : plain;
  const fields = [...new Set(args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]))].filter((f) => f !== spec.option);
  await recordChange(ctx.db.prisma, await ctx.secret('risk-ip-hash'), actor(), { operation: command.replace(' ', '.'), target, fields });
}

function optionValue(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}
