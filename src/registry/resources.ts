/**
 * Resource servers: the audiences tokens are addressed to, the scopes each accepts,
 * and the token lifetime it wants. Adding one creates its derivation master secret.
 */
import type { Database } from '../storage/index.js';
import { audienceKey } from '../revocation/index.js';
import { removalRow } from './removal.js';
import { isAbsoluteUrl } from './clients.js';

export interface ResourceInput {
  audience: string; scopes: string[]; accessTokenTtl: number; introspector?: string;
  /** what the consent screen calls it */
  name?: string;
  /** a sentence per scope, for the consent screen */
  scopeDescriptions?: Record<string, string>;
}
export interface ResourceServerRecord { audience: string; scopes: string; accessTokenTtl: number; introspector: string | null; name?: string | null; scopeDescriptions?: unknown }

/** Text shown to people: printable, no control characters, at most `max` characters. */
export function displayText(v: string, max: number): boolean {
  return v.trim().length > 0 && v.length <= max && !/[\u0000-\u001f\u007f]/.test(v);
}

/** Validates input; returns the problem in one line, or undefined. */
export function resourceProblem(input: ResourceInput): string | undefined {
  if (!isAbsoluteUrl(input.audience)) return 'audience must be an absolute URI without a fragment';
  if (!input.scopes.length) return 'a resource server needs at least one scope';
  if (input.scopes.some((s) => !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s))) return 'scopes must be RFC 6749 scope tokens separated by spaces';
  if (!Number.isInteger(input.accessTokenTtl) || input.accessTokenTtl < 30 || input.accessTokenTtl > 86400) return 'token lifetime must be between 30s and 1d';
  if (input.name !== undefined && !displayText(input.name, 100)) return 'name must be 1-100 printable characters';
  for (const [scope, text] of Object.entries(input.scopeDescriptions ?? {})) {
    if (!input.scopes.includes(scope)) return `scope description for ${scope}, which the resource server does not have`;
    if (!displayText(text, 200)) return `the description of ${scope} must be 1-200 printable characters`;
  }
  return undefined;
}

/** Creates or replaces a resource server record. */
export async function saveResource(db: Database, input: ResourceInput): Promise<void> {
  const problem = resourceProblem(input);
  if (problem) throw new TypeError(problem);
  const data = { scopes: input.scopes.join(' '), accessTokenTtl: input.accessTokenTtl, introspector: input.introspector ?? null, name: input.name ?? null, scopeDescriptions: input.scopeDescriptions ?? {} };
  await db.prisma.resourceServer.upsert({ where: { audience: input.audience }, create: { audience: input.audience, ...data }, update: data });
}

/** One resource server by audience. */
export async function findResource(db: Database, audience: string): Promise<ResourceServerRecord | undefined> {
  return (await db.prisma.resourceServer.findUnique({ where: { audience } })) ?? undefined;
}

/** All resource servers. */
export async function listResources(db: Database): Promise<ResourceServerRecord[]> {
  return db.prisma.resourceServer.findMany({ orderBy: { audience: 'asc' } });
}

/**
 * Removes a resource server and its master secrets; false when there was none. Its
 * removal is recorded in the same transaction (until `keepUntil`), so every process
 * refuses its tokens from the next check on, before any key store reloads.
 */
export async function removeResource(db: Database, audience: string, keepUntil: Date): Promise<boolean> {
  const [, { count }] = await db.prisma.$transaction([
    db.prisma.masterSecret.deleteMany({ where: { audience } }),
    db.prisma.resourceServer.deleteMany({ where: { audience } }),
    removalRow(db, audienceKey(audience), keepUntil),
  ]);
  return count > 0;
}

/** The longest token lifetime any resource server (or the default) allows. */
export async function longestTokenTtl(db: Database, fallback: number): Promise<number> {
  const { _max } = await db.prisma.resourceServer.aggregate({ _max: { accessTokenTtl: true } });
  return Math.max(fallback, _max.accessTokenTtl ?? 0);
}
