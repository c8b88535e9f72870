/**
 * The admin API's own registration: a resource server for the audience `<ISSUER>/admin`
 * with the scopes `admin:read` and `admin:write`, and an admin client that may ask for
 * both. The client's tokens must be DPoP-bound (RFC 9449 §5.2 dpop_bound_access_tokens):
 * a stolen admin token is useless without the client's private key. `bearer` registers it
 * without that binding, for automation that can only send plain bearer tokens (curl); the
 * admin API accepts such tokens only from clients listed in ADMIN_BEARER_CLIENTS.
 */
import { createMaster } from '../keys/index.js';
import { findResource, saveResource } from '../registry/index.js';
import type { Actor } from './actor.js';
import { recordChange } from './audit.js';
import { createClient } from './clients.js';
import type { AdminDeps } from './deps.js';

export const ADMIN_SCOPES = ['admin:read', 'admin:write'] as const;
export type AdminScope = typeof ADMIN_SCOPES[number];

/** The audience of admin API tokens. */
export const adminAudience = (issuer: string): string => `${issuer}/admin`;

/** Admin tokens live five minutes: automation asks for a new one per run. */
const ADMIN_TOKEN_TTL = 300;

/** Registers the admin resource server (once) and the admin client `clientId`; returns the client's secret, shown once. */
export async function bootstrapAdmin(deps: AdminDeps, actor: Actor, issuer: string, clientId: string, opts: { bearer?: boolean } = {}): Promise<{ audience: string; secret: string }> {
  const audience = adminAudience(issuer);
  if (!await findResource(deps.db, audience)) {
    await createMaster({ db: deps.db, kek: deps.kek, audience });
    await deps.db.prisma.$transaction(async (tx) => {
      await saveResource({ ...deps.db, prisma: tx as unknown as AdminDeps['db']['prisma'] }, { audience, scopes: [...ADMIN_SCOPES], accessTokenTtl: ADMIN_TOKEN_TTL });
      await recordChange(tx, deps.addressPepper, actor, { operation: 'resource.create', target: audience, fields: ['audience', 'scopes', 'accessTokenTtl'] });
    });
    await deps.keysChanged();
  }
  const { secret } = await createClient(deps, actor, { id: clientId, grants: ['client_credentials'], scopes: [...ADMIN_SCOPES], audiences: [audience], ...(opts.bearer ? {} : { binding: { dpopBound: true } }) });
  return { audience, secret };
}
