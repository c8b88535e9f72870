/**
 * `audit list [--target ID] [--operation OP] [--actor WHO] [--since ISO] [--limit N] [--cursor ID] [--json]`:
 * the admin audit trail, newest first, with the same filters as GET /admin/v1/audit.
 */
import { auditQuery, listAudit, parse } from '../../src/admin/index.js';
import { options } from './args.js';
import { out, type Command } from './command.js';

export const auditCommands: Record<string, Command> = {
  'audit list': {
    async run(ctx, args) {
      const { values } = options(args, {
        target: { type: 'string' }, operation: { type: 'string' }, actor: { type: 'string' }, since: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' }, json: { type: 'boolean' },
      });
      const { json, ...filters } = values;
      const page = await listAudit(ctx.db, parse(auditQuery, Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined))));
      if (json) { out(JSON.stringify(page)); return; }
      for (const e of page.entries) out(`${e.at}\t${e.actor}\t${e.operation}\t${e.target}\tfields=${e.fields.join(',') || '-'}\tfrom=${e.ipCoarse ?? '-'}`);
      if (!page.entries.length) out('no audit entries');
      if (page.next) out(`more: --cursor ${page.next}`);
    },
  },
};
