/**
 * Admin commands for roles and permissions (src/authz). Every change is recorded as
 * a PermissionChange row and reaches new tokens of running issuers within a second
 * (the issuer's grant cache).
 *   role add --name R --permissions "a b"    role list [--json]    role remove --name R
 *   role grant --role R --permissions "..."  role revoke --role R --permissions "..."
 *   user assign|unassign --user U --role R   client assign|unassign --client C --role R
 */
import {
  addRole, assignRole, grantToRole, listRoles, permissionsProblem, removeRole, revokeFromRole,
  roleNameProblem, subjectProblem, unassignRole, type Subject, type SubjectKind,
} from '../../src/authz/index.js';
import { createUserService } from '../../src/users/index.js';
import { list, options, required, UsageError } from './args.js';
import { out, type Command } from './command.js';

function roleName(values: Record<string, unknown>, option: string): string {
  const name = required(values, option);
  const problem = roleNameProblem(name);
  if (problem) throw new UsageError(problem);
  return name;
}

function permissions(values: Record<string, unknown>, allowEmpty: boolean): string[] {
  const names = list(values.permissions);
  if (!names.length && !allowEmpty) throw new UsageError('--permissions is required (space-separated names)');
  const problem = permissionsProblem(names);
  if (problem) throw new UsageError(problem);
  return names;
}

/** `<kind> assign|unassign --<kind> ID --role R`. */
function assignment(kind: SubjectKind, assign: boolean): Command {
  return {
    async run(ctx, args) {
      const { values } = options(args, { [kind]: { type: 'string' }, role: { type: 'string' } });
      const subject: Subject = { kind, id: required(values, kind) };
      const problem = subjectProblem(subject);
      if (problem) throw new UsageError(problem);
      if (kind === 'user') { // by username or id; the role is held by the stable user id
        const user = await createUserService({ db: ctx.db, kek: ctx.kek, issuer: ctx.config.issuer }).find(subject.id);
        if (!user) throw new UsageError(`no user ${subject.id}`);
        subject.id = user.id;
      }
      const role = roleName(values, 'role');
      const changed = assign ? await assignRole(ctx.db, subject, role) : await unassignRole(ctx.db, subject, role);
      if (!assign && !changed) throw new UsageError(`${kind} ${subject.id} does not hold role ${role}`);
      out(assign
        ? `${kind} ${subject.id} ${changed ? 'now holds' : 'already held'} role ${role}`
        : `${kind} ${subject.id} no longer holds role ${role}`);
    },
  };
}

export const authzCommands: Record<string, Command> = {
  'role add': {
    async run(ctx, args) {
      const { values } = options(args, { name: { type: 'string' }, permissions: { type: 'string', multiple: true } });
      const name = roleName(values, 'name');
      const names = permissions(values, true);
      await addRole(ctx.db, name, names);
      out(`role ${name} added (permissions: ${names.join(' ') || '-'})`);
    },
  },
  'role grant': {
    async run(ctx, args) {
      const { values } = options(args, { role: { type: 'string' }, permissions: { type: 'string', multiple: true } });
      const name = roleName(values, 'role');
      const after = await grantToRole(ctx.db, name, permissions(values, false));
      out(`role ${name} permissions: ${after.join(' ') || '-'}`);
    },
  },
  'role revoke': {
    async run(ctx, args) {
      const { values } = options(args, { role: { type: 'string' }, permissions: { type: 'string', multiple: true } });
      const name = roleName(values, 'role');
      const after = await revokeFromRole(ctx.db, name, permissions(values, false));
      out(`role ${name} permissions: ${after.join(' ') || '-'}`);
    },
  },
  'role list': {
    async run(ctx, args) {
      const { values } = options(args, { json: { type: 'boolean' } });
      const roles = await listRoles(ctx.db);
      if (values.json) { out(JSON.stringify(roles)); return; }
      for (const r of roles) out(`${r.name}\tpermissions=${r.permissions.join(',') || '-'}\tholders=${r.holders.map((h) => `${h.kind}:${h.id}`).join(',') || '-'}`);
      if (!roles.length) out('no roles');
    },
  },
  'role remove': {
    async run(ctx, args) {
      const { values, positionals } = options(args, { name: { type: 'string' } }, 1);
      const name = (values.name as string | undefined) ?? positionals[0];
      if (!name) throw new UsageError('give the role name (--name R)');
      const problem = roleNameProblem(name);
      if (problem) throw new UsageError(problem);
      const holders = await removeRole(ctx.db, name);
      out(`role ${name} removed (was held by ${holders.length} subject${holders.length === 1 ? '' : 's'})`);
    },
  },
  'user assign': assignment('user', true),
  'user unassign': assignment('user', false),
  'client assign': assignment('client', true),
  'client unassign': assignment('client', false),
};
