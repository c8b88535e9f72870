/**
 * `admin bootstrap [--id ID] [--bearer]`: registers the admin API's resource server and one admin
 * client, and prints the client's secret once (README "Automating Portcullis").
 */
import { bootstrapAdmin } from '../../src/admin/index.js';
import { options } from './args.js';
import { out, type Command } from './command.js';
import { actor, adminService } from './service.js';

export const adminApiCommands: Record<string, Command> = {
  'admin bootstrap': {
    async run(ctx, args) {
      const { values } = options(args, { id: { type: 'string' }, bearer: { type: 'boolean' } });
      const id = (values.id as string | undefined) ?? 'portcullis-admin';
      const bearer = Boolean(values.bearer);
      const { audience, secret } = await bootstrapAdmin(await adminService(ctx), actor(), ctx.config.issuer, id, { bearer });
      out(`admin client ${id} registered (audience ${audience}; scopes admin:read admin:write; tokens ${bearer ? 'unbound: the admin API takes them only while ADMIN_BEARER_CLIENTS lists this client' : 'DPoP-bound'})`);
      out(`client_secret (shown once, store it now): ${secret}`);
    },
  },
};
