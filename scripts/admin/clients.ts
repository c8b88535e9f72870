/**
 * `client add|update|remove|rotate-secret`: the options become the admin service's
 * input (the same object the admin API reads as JSON), so the CLI and the API refuse
 * the same bad input with the same message.
 */
import { createClient, deleteClient, replaceClient, rotateClientSecret, type ClientInputBody } from '../../src/admin/index.js';
import { list, options, readStdin, required, UsageError } from './args.js';
import { bindingFromArgs, bindingOptions } from './binding.js';
import { out, type Command } from './command.js';
import { fingerprintOption } from './privacy.js';
import { actor, adminService } from './service.js';

const CLIENT_OPTIONS = {
  id: { type: 'string' }, 'secret-stdin': { type: 'boolean' }, grants: { type: 'string' }, scopes: { type: 'string' }, audience: { type: 'string', multiple: true },
  'redirect-uri': { type: 'string', multiple: true }, 'post-logout-redirect-uri': { type: 'string', multiple: true }, public: { type: 'boolean' }, fingerprint: { type: 'string' },
  name: { type: 'string' }, 'logo-uri': { type: 'string' }, 'policy-uri': { type: 'string' }, 'tos-uri': { type: 'string' }, ...bindingOptions,
} as const;

/** The options of `client add` and `client update` as the service's input (only what was given). */
async function clientBody(args: string[]): Promise<ClientInputBody> {
  const { values } = options(args, CLIENT_OPTIONS);
  const body: ClientInputBody = { id: required(values, 'id'), grants: list(values.grants ?? 'client_credentials'), scopes: list(values.scopes) };
  if (values.audience !== undefined) body.audiences = list(values.audience);
  if (values['redirect-uri'] !== undefined) body.redirectUris = list(values['redirect-uri']);
  if (values['post-logout-redirect-uri'] !== undefined) body.postLogoutRedirectUris = list(values['post-logout-redirect-uri']);
  if (values.public) body.public = true;
  if (values.fingerprint !== undefined) body.fingerprint = fingerprintOption(values.fingerprint);
  if (values.name !== undefined) body.name = values.name as string;
  if (values['logo-uri'] !== undefined) body.logoUri = values['logo-uri'] as string;
  if (values['policy-uri'] !== undefined) body.policyUri = values['policy-uri'] as string;
  if (values['tos-uri'] !== undefined) body.tosUri = values['tos-uri'] as string;
  const binding = bindingFromArgs(values);
  if (binding) body.binding = binding;
  if (values['secret-stdin']) body.secret = await readStdin();
  return body;
}

function summary(body: ClientInputBody): string {
  const fp = body.fingerprint ? `; fingerprint: ${body.fingerprint}` : '';
  return `grants: ${(body.grants ?? []).join(' ')}; scopes: ${(body.scopes ?? []).join(' ') || '-'}; audiences: ${(body.audiences ?? []).join(' ') || '-'}${fp}`;
}

export const clientCommands: Record<string, Command> = {
  'client add': {
    async run(ctx, args) {
      const body = await clientBody(args);
      const { secret } = await createClient(await adminService(ctx), actor(), body);
      out(`client ${body.id} registered (${summary(body)})`);
      if (!body.secret && secret) out(`client_secret (shown once, store it now): ${secret}`);
      if (body.public) out('public client: no secret; PKCE (S256) is required');
    },
  },
  'client update': {
    async run(ctx, args) {
      const body = await clientBody(args);
      const { secret } = await replaceClient(await adminService(ctx), actor(), body.id, body);
      out(`client ${body.id} updated (${summary(body)})`);
      if (!body.secret && secret) out(`client_secret (shown once, store it now): ${secret}`);
    },
  },
  'client remove': {
    async run(ctx, args) {
      const { values, positionals } = options(args, { id: { type: 'string' } }, 1);
      const id = (values.id as string | undefined) ?? positionals[0];
      if (!id) throw new UsageError('give the client id (--id ID)');
      await deleteClient(await adminService(ctx), actor(), id);
      out(`client ${id} removed; its tokens no longer open`);
    },
  },
  'client rotate-secret': {
    async run(ctx, args) {
      const { values, positionals } = options(args, { id: { type: 'string' } }, 1);
      const id = (values.id as string | undefined) ?? positionals[0];
      if (!id) throw new UsageError('give the client id (--id ID)');
      const secret = await rotateClientSecret(await adminService(ctx), actor(), id);
      out(`client ${id}: new client_secret (shown once, store it now; the old one stops working within a second): ${secret}`);
    },
  },
};
