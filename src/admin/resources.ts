/**
 * Resource server operations of the admin service. A new resource server gets its
 * derivation master secret, and the opening secret its tokens are opened with is
 * answered once; re-keying replaces the master (tokens sealed under the old one stop
 * opening) and answers the new opening secret once.
 */
import { createMaster, formatOpeningSecret } from '../keys/index.js';
import { findResource, isAbsoluteUrl, listResources, removeResource, saveResource, type ResourceInput, type ResourceServerRecord } from '../registry/index.js';
import type { Database } from '../storage/index.js';
import type { Actor } from './actor.js';
import { recordChange } from './audit.js';
import type { AdminDeps } from './deps.js';
import { conflict, invalidInput, notFound } from './errors.js';
import { parse, resourceInput } from './schemas.js';

export interface ResourceView { audience: string; scopes: string[]; accessTokenTtl: number; introspector: string | null; name: string | null; scopeDescriptions: Record<string, string> }

/** Registers a resource server; refuses (409) an audience that is registered. */
export async function createResource(deps: AdminDeps, actor: Actor, body: unknown): Promise<{ resource: ResourceView; openingSecret: string }> {
  const input = parse(resourceInput, body);
  if (await findResource(deps.db, input.audience)) throw conflict(`resource server ${input.audience} already exists (change it with resource update, re-key it with resource rekey)`);
  const master = await createMaster({ db: deps.db, kek: deps.kek, audience: input.audience });
  await save(deps, actor, 'resource.create', { ...input, accessTokenTtl: input.accessTokenTtl ?? deps.defaultTokenTtl }, fieldsOf(body));
  await deps.keysChanged();
  return { resource: await readResource(deps.db, input.audience), openingSecret: formatOpeningSecret(master.version, master.secret) };
}

/** Replaces a resource server's scopes, token lifetime and introspector; its keys stay. */
export async function replaceResource(deps: AdminDeps, actor: Actor, audience: string, body: unknown): Promise<ResourceView> {
  checkAudience(audience);
  const given = typeof body === 'object' && body !== null && !Array.isArray(body) ? body as Record<string, unknown> : undefined;
  if (!given) throw invalidInput('the body must be a JSON object');
  if (given.audience !== undefined && given.audience !== audience) throw invalidInput('audience: the body names another resource server than the path');
  const input = parse(resourceInput, { ...given, audience });
  if (!await findResource(deps.db, audience)) throw notFound(`no resource server ${audience}`);
  await save(deps, actor, 'resource.update', { ...input, accessTokenTtl: input.accessTokenTtl ?? deps.defaultTokenTtl }, fieldsOf(body));
  return readResource(deps.db, audience);
}

/** A new master secret; every token sealed under the old one stops opening. Answers the opening secret once. */
export async function rekeyResource(deps: AdminDeps, actor: Actor, audience: string): Promise<string> {
  await readResource(deps.db, audience);
  const master = await createMaster({ db: deps.db, kek: deps.kek, audience });
  await recordChange(deps.db.prisma, deps.addressPepper, actor, { operation: 'resource.rekey', target: audience, fields: ['masterSecret'] });
  await deps.keysChanged();
  return formatOpeningSecret(master.version, master.secret);
}

/** Removes a resource server and its master secrets; its tokens stop opening at once. */
export async function deleteResource(deps: AdminDeps, actor: Actor, audience: string): Promise<void> {
  checkAudience(audience);
  if (!await removeResource(deps.db, audience, await deps.keepRemovalUntil())) throw notFound(`no resource server ${audience}`);
  await recordChange(deps.db.prisma, deps.addressPepper, actor, { operation: 'resource.delete', target: audience });
  await deps.keysChanged();
}

/** One resource server, or 404. */
export async function readResource(db: Database, audience: string): Promise<ResourceView> {
  checkAudience(audience);
  const row = await findResource(db, audience);
  if (!row) throw notFound(`no resource server ${audience}`);
  return viewOf(row);
}

/** Every resource server. */
export async function allResources(db: Database): Promise<ResourceView[]> {
  return (await listResources(db)).map(viewOf);
}

async function save(deps: AdminDeps, actor: Actor, operation: string, input: ResourceInput, fields: string[]): Promise<void> {
  await deps.db.prisma.$transaction(async (tx) => {
    await saveResource({ ...deps.db, prisma: tx as unknown as Database['prisma'] }, input);
    await recordChange(tx, deps.addressPepper, actor, { operation, target: input.audience, fields });
  });
}

function checkAudience(audience: string): void {
  if (!isAbsoluteUrl(audience)) throw invalidInput('audience must be an absolute URI without a fragment');
}

function fieldsOf(body: unknown): string[] {
  return Object.keys(body as Record<string, unknown>).filter((k) => k !== 'audience');
}

function viewOf(r: ResourceServerRecord): ResourceView {
  return {
    audience: r.audience, scopes: r.scopes.split(' ').filter(Boolean), accessTokenTtl: r.accessTokenTtl, introspector: r.introspector,
    name: r.name ?? null, scopeDescriptions: (r.scopeDescriptions ?? {}) as Record<string, string>,
  };
}
