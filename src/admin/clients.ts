/**
 * Client operations of the admin service, called alike by the admin CLI and the admin
 * API: each validates its input with the shared schema, makes its change and records it
 * in the audit trail in one transaction.
 */
import { forgetSubject } from '../authz/index.js';
import { addClient, findClient, generateClientSecret, hashClientSecret, RegistryRefusal, removeClient, updateClient} from '../registry/index.js';
import { policyOf } from '../fingerprint/index.js';
import type { Database } from '../storage/index.js';
import { recordChange } from './audit.js';
import type { Actor } from './actor.js';
import type { AdminDeps } from './deps.js';
import { AdminRefusal, conflict, invalidInput, notFound } from './errors.js';
import { CLIENT_ID, clientInput, parse } from './schemas.js';

/** A registered client as the admin API shows it: never its secret or the hash of it. */
export interface ClientView {
  id: string; grants: string[]; scopes: string[]; audiences: string[]; redirectUris: string[]; postLogoutRedirectUris: string[];
  public: boolean; fingerprint: string; authMethod: string; dpopBound: boolean; certificateBound: boolean;
  /** what people see on the consent screen (null when not registered) */
  name: string | null; logoUri: string | null; policyUri: string | null; tosUri: string | null;
  /** changes with every write: send it back as If-Match to update only what you read */
  version: string;
  createdAt: string;
}

/** Scopes oidc-provider grants on its own, whatever the audience (OpenID Connect Core §3.1.2.1, §11). */
const PROTOCOL_SCOPES = new Set(['openid', 'offline_access']);

/** Registers a client; the clear secret (empty for a client without one) is returned once. */
export async function createClient(deps: AdminDeps, actor: Actor, body: unknown): Promise<{ client: ClientView; secret: string }> {
  const input = parse(clientInput, body);
  await checkScopesFit(deps.db, input);
  const secret = await deps.db.prisma.$transaction(async (tx) => {
    const shown = await registry(() => addClient(within(deps.db, tx), deps.clientPepper, input));
    await recordChange(tx, deps.addressPepper, actor, { operation: 'client.create', target: input.id, fields: fieldsOf(body) });
    return shown;
  });
  return { client: await readClient(deps.db, input.id), secret };
}

/**
 * Replaces a client's registration (its secret is kept unless a new one is given). With
 * `ifVersion`, refuses (412) when the client changed since it was read: of two concurrent
 * updates of what one caller read, one wins and the other is told.
 */
export async function replaceClient(deps: AdminDeps, actor: Actor, id: string, body: unknown, ifVersion?: string): Promise<{ client: ClientView; secret: string }> {
  const input = parse(clientInput, { ...asObject(body), id: checkId(id) });
  if (asObject(body).id !== undefined && asObject(body).id !== id) throw invalidInput('id: the body names another client than the path');
  await checkScopesFit(deps.db, input);
  const secret = await deps.db.prisma.$transaction(async (tx) => {
    await lockClient(tx, id, ifVersion);
    const shown = await registry(() => updateClient(within(deps.db, tx), deps.clientPepper, input));
    await recordChange(tx, deps.addressPepper, actor, { operation: 'client.update', target: id, fields: fieldsOf(body) });
    return shown;
  });
  return { client: await readClient(deps.db, id), secret };
}

/** A fresh generated secret for a client that authenticates with one; returned once. */
export async function rotateClientSecret(deps: AdminDeps, actor: Actor, id: string): Promise<string> {
  checkId(id);
  return deps.db.prisma.$transaction(async (tx) => {
    await lockClient(tx, id);
    const row = await tx.client.findUnique({ where: { id } });
    const metadata = row!.metadata as Record<string, unknown>;
    if (typeof metadata.client_secret !== 'string') throw conflict(`client ${id} does not authenticate with a secret`);
    const secret = generateClientSecret();
    await tx.client.update({ where: { id }, data: { metadata: { ...metadata, client_secret: hashClientSecret(deps.clientPepper, secret) } } });
    await recordChange(tx, deps.addressPepper, actor, { operation: 'client.rotate-secret', target: id, fields: ['secret'] });
    return secret;
  });
}

/**
 * Removes a client: its roles go first (a re-registered id must not inherit them), then
 * the client with its removal recorded in the revocation state, then every token it holds
 * as a subject; receivers are told.
 */
export async function deleteClient(deps: AdminDeps, actor: Actor, id: string): Promise<void> {
  checkId(id);
  if (!await findClient(deps.db, id)) throw notFound(`no client ${id}`);
  await forgetSubject(deps.db, { kind: 'client', id });
  const keep = await deps.keepRemovalUntil();
  if (!await removeClient(deps.db, id, keep)) throw notFound(`no client ${id}`);
  await recordChange(deps.db.prisma, deps.addressPepper, actor, { operation: 'client.delete', target: id });
  await deps.revokeSubject(id, 'client removed');
}

/** One client, or 404. */
export async function readClient(db: Database, id: string): Promise<ClientView> {
  checkId(id);
  const row = await db.prisma.client.findUnique({ where: { id } });
  if (!row) throw notFound(`no client ${id}`);
  return viewOf(row);
}

/** Every client (by id). */
export async function allClients(db: Database): Promise<ClientView[]> {
  return (await db.prisma.client.findMany({ orderBy: { id: 'asc' } })).map(viewOf);
}

/**
 * A client may ask only for scopes one of its audiences registered (RFC 8707 §2: the
 * scope is interpreted per resource); refused here rather than by `invalid_scope` at
 * its first authorization request.
 */
async function checkScopesFit(db: Database, input: { scopes: string[]; audiences: string[] }): Promise<void> {
  const servers = await db.prisma.resourceServer.findMany({ where: { audience: { in: input.audiences } }, select: { audience: true, scopes: true } });
  const offered = new Set(servers.flatMap((s) => s.scopes.split(' ')));
  const unfit = input.scopes.filter((s) => !PROTOCOL_SCOPES.has(s) && !offered.has(s));
  if (unfit.length && servers.length === input.audiences.length) {
    throw invalidInput(`scope ${unfit.join(' ')} is not registered by ${input.audiences.length ? `its audience${input.audiences.length > 1 ? 's' : ''} ${input.audiences.join(' ')}` : 'any audience (give --audience)'}`);
  }
}

type Tx = Parameters<Parameters<Database['prisma']['$transaction']>[0]>[0];

/** The database handle the registry functions take, bound to the transaction `tx`. */
function within(db: Database, tx: Tx): Database {
  return { ...db, prisma: tx as unknown as Database['prisma'] };
}

/** Takes the row lock of the client (later writers wait), refusing a stale version. */
async function lockClient(tx: Tx, id: string, ifVersion?: string): Promise<void> {
  const expected = ifVersion === undefined ? undefined : versionDate(ifVersion);
  const { count } = await tx.client.updateMany({ where: { id, ...(expected ? { updatedAt: expected } : {}) }, data: { updatedAt: new Date() } });
  if (count) return;
  if (!await tx.client.findUnique({ where: { id }, select: { id: true } })) throw notFound(`no client ${id}`);
  throw new AdminRefusal('precondition_failed', `client ${id} changed since version ${ifVersion}; read it again`);
}

function versionDate(version: string): Date {
  const ms = /^\d{1,15}$/.test(version) ? Number(version) : NaN;
  if (!Number.isFinite(ms)) throw invalidInput('If-Match: not a version of this record');
  return new Date(ms);
}

/** Registry refusals as admin refusals: a taken id conflicts, anything else is bad input. */
async function registry<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof RegistryRefusal) throw /already exists/.test(err.message) ? conflict(err.message) : /^no client/.test(err.message) ? notFound(err.message) : invalidInput(err.message);
    if (err instanceof TypeError) throw invalidInput(err.message);
    throw err;
  }
}

function checkId(id: string): string {
  if (!CLIENT_ID.test(id)) throw invalidInput('client id must be 1-128 characters of A-Z a-z 0-9 . _ ~ -');
  return id;
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidInput('the body must be a JSON object');
  return body as Record<string, unknown>;
}

/** The names of the fields a change set (never their values). */
function fieldsOf(body: unknown): string[] {
  return Object.keys(asObject(body)).filter((k) => k !== 'id');
}

function viewOf(row: { id: string; metadata: unknown; createdAt: Date; updatedAt: Date }): ClientView {
  const m = row.metadata as Record<string, unknown>;
  const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  return {
    id: row.id, grants: strings(m.grant_types), scopes: String(m.portcullis_scopes ?? '').split(' ').filter(Boolean), audiences: strings(m.portcullis_audiences),
    redirectUris: strings(m.redirect_uris), postLogoutRedirectUris: strings(m.post_logout_redirect_uris), public: m.token_endpoint_auth_method === 'none',
    fingerprint: policyOf(m), authMethod: String(m.token_endpoint_auth_method ?? 'client_secret_basic'), dpopBound: m.dpop_bound_access_tokens === true,
    certificateBound: m.tls_client_certificate_bound_access_tokens === true,
    name: optionalString(m.client_name), logoUri: optionalString(m.logo_uri), policyUri: optionalString(m.policy_uri), tosUri: optionalString(m.tos_uri), version: String(row.updatedAt.getTime()), createdAt: row.createdAt.toISOString(),
  };
}

const optionalString = (v: unknown) => (typeof v === 'string' ? v : null);
