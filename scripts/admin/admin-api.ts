/**
 * `admin bootstrap [--id ID]`: registers the admin API's resource server and one admin
 * client, and prints the client's secret once (README "Automating Portcullis").
 */
import { bootstrapAdmin } from '../../src/admin/index.js';
import { options } from './args.js';
import { out, type Command } from './command.js';
import { actor, adminService } from './service.js';

export const adminApiCommands: Record<string, Command> = {
  'admin bootstrap': {
    async run(ctx, args) {
      const { values } = options(args, { id: { type: 'string' } });
      const id = (values.id as string | undefined) ?? 'portcullis-admin';
      const { audience, secret } = await bootstrapAdmin(await adminService(ctx), actor(), ctx.config.issuer, id);
      out(`admin client ${id} registered (audience ${audience}; scopes admin:read admin:write; tokens DPoP-bound)`);
      out(`client_secret (shown once, store it now): ${secret}`);
    },
  },
};
