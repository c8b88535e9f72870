/**
 * `resource add|update|rekey|remove` through the admin service (the same input and
 * refusals as the admin API); `resource list` reads the registry.
 */
import { createResource, deleteResource, rekeyResource, replaceResource, type ResourceInputBody } from '../../src/admin/index.js';
import { duration, list, options, required, UsageError } from './args.js';
import { out, type Command } from './command.js';
import { actor, adminService } from './service.js';

const RESOURCE_OPTIONS = { audience: { type: 'string' }, scopes: { type: 'string' }, ttl: { type: 'string' }, introspector: { type: 'string' }, name: { type: 'string' }, 'scope-description': { type: 'string', multiple: true } } as const;

function resourceBody(args: string[], fallbackTtl: number): ResourceInputBody {
  const { values } = options(args, RESOURCE_OPTIONS);
  return {
    audience: required(values, 'audience'), scopes: list(values.scopes), accessTokenTtl: duration(values.ttl, fallbackTtl),
    ...(values.introspector !== undefined ? { introspector: values.introspector as string } : {}),
    ...(values.name !== undefined ? { name: values.name as string } : {}),
    ...(values['scope-description'] !== undefined ? { scopeDescriptions: scopeDescriptions(values['scope-description'] as string[]) } : {}),
  };
}

/** `--scope-description "orders:read=See your orders"` (repeatable) as a map. */
function scopeDescriptions(items: string[] | undefined): Record<string, string> | undefined {
  if (!items?.length) return undefined;
  const out: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at < 1) throw new UsageError('--scope-description takes SCOPE=TEXT');
    out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

function audienceArg(args: string[]): string {
  const { values, positionals } = options(args, { audience: { type: 'string' } }, 1);
  const audience = (values.audience as string | undefined) ?? positionals[0];
  if (!audience) throw new UsageError('give the audience (--audience URI)');
  return audience;
}

const openingLine = (secret: string) => `opening secret (shown once; give it to the resource server as PORTCULLIS_OPENING_SECRET): ${secret}`;

export const resourceCommands: Record<string, Command> = {
  'resource add': {
    async run(ctx, args) {
      const body = resourceBody(args, ctx.config.accessTokenTtl);
      const { resource, openingSecret } = await createResource(await adminService(ctx), actor(), body);
      out(`resource server ${resource.audience} registered (scopes: ${resource.scopes.join(' ')}; token lifetime: ${resource.accessTokenTtl}s)`);
      out(openingLine(openingSecret));
    },
  },
  'resource update': {
    async run(ctx, args) {
      const body = resourceBody(args, ctx.config.accessTokenTtl);
      const resource = await replaceResource(await adminService(ctx), actor(), body.audience, body);
      out(`resource server ${resource.audience} updated (scopes: ${resource.scopes.join(' ')}; token lifetime: ${resource.accessTokenTtl}s; introspector: ${resource.introspector ?? '-'})`);
    },
  },
  'resource rekey': {
    async run(ctx, args) {
      const audience = audienceArg(args);
      const secret = await rekeyResource(await adminService(ctx), actor(), audience);
      out(`resource server ${audience} re-keyed; its earlier tokens no longer open`);
      out(openingLine(secret));
    },
  },
  'resource remove': {
    async run(ctx, args) {
      const audience = audienceArg(args);
      await deleteResource(await adminService(ctx), actor(), audience);
      out(`resource server ${audience} removed; its tokens no longer open`);
    },
  },
};
