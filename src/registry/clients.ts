/**
 * Client registration as admins do it. A client record is oidc-provider client
 * metadata plus Portcullis's `portcullis_audiences` (the resource servers it may get
 * tokens for) and `portcullis_scopes` (resource scopes it may ask for; oidc-provider's
 * own `scope` metadata only admits the server's static scopes such as openid).
 * The secret is stored only as a keyed hash.
 */
import type { Database } from '../storage/index.js';
import { clientKey } from '../revocation/index.js';
import { removalRow } from './removal.js';
import { RegistryRefusal } from './errors.js';
import { redirectUriProblem } from './redirect-uri.js';
import { displayText } from './resources.js';
import { generateClientSecret, hashClientSecret, MIN_SECRET_LENGTH } from './client-secret.js';
import { bindingMetadata, bindingProblem, usesSecret, type ClientBinding } from './client-binding.js';
import { FINGERPRINT_POLICIES, policyOf, type FingerprintPolicy } from '../fingerprint/index.js';

export const GRANTS = ['client_credentials', 'authorization_code', 'refresh_token'] as const;

/** Clients the issuer serves itself (the account page's, src/account), never registrations. */
const RESERVED_CLIENT_IDS = new Set(['portcullis-account']);

export interface ClientInput {
  id: string;
  secret?: string;
  grants: string[];
  scopes: string[];
  audiences: string[];
  redirectUris?: string[];
  /** TLS client authentication and token binding */
  binding?: ClientBinding;
  /** Logout redirect targets (RP-initiated logout). */
  postLogoutRedirectUris?: string[];
  /** A public client (browser or native app): no secret, token_endpoint_auth_method none, PKCE. */
  public?: boolean;
  /** device fingerprint policy; `off` makes every token DPoP-bound instead */
  fingerprint?: FingerprintPolicy;
  /** what people see on the consent screen (OIDC Registration §2 client_name, logo_uri, policy_uri, tos_uri) */
  name?: string;
  logoUri?: string;
  policyUri?: string;
  tosUri?: string;
}

export interface ClientSummary { id: string; grants: string[]; scopes: string; audiences: string[]; fingerprint: FingerprintPolicy; createdAt: Date }

/** Validates input; returns the problem in one line, or undefined. */
export function clientProblem(input: ClientInput): string | undefined {
  if (!/^[A-Za-z0-9._~-]{1,128}$/.test(input.id)) return 'client id must be 1-128 characters of A-Z a-z 0-9 . _ ~ -';
  if (RESERVED_CLIENT_IDS.has(input.id)) return `client id ${input.id} is reserved: the issuer serves that client itself`;
  const bad = input.grants.find((g) => !(GRANTS as readonly string[]).includes(g));
  if (bad) return `unsupported grant ${bad} (supported: ${GRANTS.join(', ')})`;
  if (input.secret !== undefined && input.secret.length < MIN_SECRET_LENGTH) return `secret must be at least ${MIN_SECRET_LENGTH} characters`;
  if (input.scopes.some((s) => !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s))) return 'scopes must be RFC 6749 scope tokens separated by spaces';
  for (const aud of input.audiences) if (!isAbsoluteUrl(aud)) return `audience ${aud} must be an absolute URI`;
  for (const uri of [...(input.redirectUris ?? []), ...(input.postLogoutRedirectUris ?? [])]) {
    const problem = redirectUriProblem(uri);
    if (problem) return problem;
  }
  if (input.grants.includes('authorization_code') && !input.redirectUris?.length) return 'the authorization_code grant needs at least one --redirect-uri';
  if (input.public && input.secret !== undefined) return 'a public client has no secret';
  if (input.public && input.grants.includes('client_credentials')) return 'a public client cannot use client_credentials';
  if (input.public && input.binding?.authMethod) return 'a public client does not authenticate (no --auth)';
  if (input.fingerprint !== undefined && !(FINGERPRINT_POLICIES as readonly string[]).includes(input.fingerprint)) return `fingerprint policy must be one of ${FINGERPRINT_POLICIES.join(', ')}`;
  if (input.name !== undefined && !displayText(input.name, 100)) return 'name must be 1-100 printable characters';
  for (const [flag, uri] of [['logo URI', input.logoUri], ['policy URI', input.policyUri], ['terms URI', input.tosUri]] as const) {
    if (uri !== undefined && !/^https:\/\/[^\s"'<>]+$/.test(uri)) return `${flag} must be an https:// URL`;
  }
  return bindingProblem(input.binding);
}

/**
 * Registers a new client; returns the clear secret, shown once (empty for a public client
 * or TLS client authentication). Refuses (RegistryRefusal) an id that is taken (changing
 * a client is updateClient) and audiences that are not registered resource servers.
 */
export async function addClient(db: Database, pepper: Uint8Array, input: ClientInput): Promise<string> {
  await checkClient(db, input);
  if (await db.prisma.client.findUnique({ where: { id: input.id }, select: { id: true } })) throw new RegistryRefusal(`client ${input.id} already exists (change it with client update)`);
  const secret = input.public || !usesSecret(input.binding) ? '' : input.secret ?? generateClientSecret();
  const metadata = clientMetadata(input, secret ? hashClientSecret(pepper, secret) : undefined);
  try {
    await db.prisma.client.create({ data: { id: input.id, metadata } });
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw new RegistryRefusal(`client ${input.id} already exists (change it with client update)`);
    throw err;
  }
  return secret;
}

/**
 * Replaces a registered client's metadata with `input`, keeping its secret (a new one
 * when `input.secret` is given; returned, else ''). Refuses an unknown id.
 */
export async function updateClient(db: Database, pepper: Uint8Array, input: ClientInput): Promise<string> {
  await checkClient(db, input);
  const row = await db.prisma.client.findUnique({ where: { id: input.id } });
  if (!row) throw new RegistryRefusal(`no client ${input.id} (register it with client add)`);
  const kept = (row.metadata as Record<string, unknown>).client_secret as string | undefined;
  const takesSecret = !input.public && usesSecret(input.binding);
  const secret = takesSecret && !kept ? input.secret ?? generateClientSecret() : input.secret ?? '';
  const hashed = takesSecret ? (secret ? hashClientSecret(pepper, secret) : kept) : undefined;
  await db.prisma.client.update({ where: { id: input.id }, data: { metadata: clientMetadata(input, hashed) } });
  return secret;
}

/** Validation shared by add and update: the input itself, then the audiences it names. */
async function checkClient(db: Database, input: ClientInput): Promise<void> {
  const problem = clientProblem(input);
  if (problem) throw new TypeError(problem);
  const known = new Set((await db.prisma.resourceServer.findMany({ where: { audience: { in: input.audiences } }, select: { audience: true } })).map((r) => r.audience));
  const unknown = input.audiences.find((a) => !known.has(a));
  if (unknown) throw new RegistryRefusal(`audience ${unknown} is not a registered resource server (add it with resource add)`);
}

function clientMetadata(input: ClientInput, secretHash: string | undefined) {
  const browser = input.grants.includes('authorization_code');
  return {
    client_id: input.id,
    ...(secretHash ? { client_secret: secretHash } : {}),
    grant_types: input.grants,
    response_types: browser ? ['code'] : [],
    redirect_uris: input.redirectUris ?? [],
    ...(input.postLogoutRedirectUris?.length ? { post_logout_redirect_uris: input.postLogoutRedirectUris } : {}),
    // OIDC Core §2 / Registration §2: auth_time in every ID token, not only with max_age.
    ...(browser ? { require_auth_time: true } : {}),
    token_endpoint_auth_method: input.public ? 'none' : 'client_secret_basic',
    portcullis_scopes: input.scopes.join(' '),
    portcullis_audiences: input.audiences,
    ...bindingMetadata(input.binding),
    ...fingerprintMetadata(input.fingerprint),
    ...(input.name ? { client_name: input.name } : {}),
    ...(input.logoUri ? { logo_uri: input.logoUri } : {}),
    ...(input.policyUri ? { policy_uri: input.policyUri } : {}),
    ...(input.tosUri ? { tos_uri: input.tosUri } : {}),
  };
}

/**
 * Client metadata for the fingerprint policy. Clients that opt out are bound
 * by DPoP instead: oidc-provider then refuses their token requests without a DPoP
 * proof (RFC 9449 §5.2 dpop_bound_access_tokens).
 */
export function fingerprintMetadata(policy: FingerprintPolicy | undefined): Record<string, unknown> {
  if (!policy) return {};
  return { portcullis_fingerprint: policy, ...(policy === 'off' ? { dpop_bound_access_tokens: true } : {}) };
}

/** Changes the fingerprint policy of a registered client; false when there is none. */
export async function setClientFingerprint(db: Database, id: string, policy: FingerprintPolicy): Promise<boolean> {
  const row = await db.prisma.client.findUnique({ where: { id } });
  if (!row) return false;
  const { portcullis_fingerprint: _old, ...rest } = row.metadata as Record<string, unknown>;
  // DPoP stays required when the admin asked for it (--bind dpop), whatever the policy;
  // clients registered before that flag existed keep it unless it came with `off`
  const asked = rest.portcullis_dpop_bound === true || (rest.dpop_bound_access_tokens === true && _old !== 'off');
  const keepsDpop = policy === 'off' || asked;
  const metadata = { ...rest, ...fingerprintMetadata(policy), ...(keepsDpop ? { dpop_bound_access_tokens: true } : {}) };
  if (!keepsDpop) delete (metadata as Record<string, unknown>).dpop_bound_access_tokens;
  await db.prisma.client.update({ where: { id }, data: { metadata } });
  return true;
}

/** Lists clients without secrets. */
export async function listClients(db: Database): Promise<ClientSummary[]> {
  const rows = await db.prisma.client.findMany({ orderBy: { id: 'asc' } });
  return rows.map((r) => {
    const m = r.metadata as Record<string, unknown>;
    return { id: r.id, grants: m.grant_types as string[], scopes: (m.portcullis_scopes as string) ?? '', audiences: (m.portcullis_audiences as string[]) ?? [], fingerprint: policyOf(m), createdAt: r.createdAt };
  });
}

/** A client's stored metadata (with the hashed secret), or undefined. */
export async function findClient(db: Database, id: string): Promise<Record<string, unknown> | undefined> {
  const row = await db.prisma.client.findUnique({ where: { id } });
  return row ? row.metadata as Record<string, unknown> : undefined;
}

/**
 * Removes a client; false when there was none. In the same transaction its removal is
 * recorded in the revocation state, kept until `keepUntil` (the longest token
 * lifetime): every process refuses its tokens from the next check on, however
 * recently it was registered.
 */
export async function removeClient(db: Database, id: string, keepUntil: Date): Promise<boolean> {
  const [{ count }] = await db.prisma.$transaction([
    db.prisma.client.deleteMany({ where: { id } }),
    removalRow(db, clientKey(id), keepUntil),
  ]);
  return count > 0;
}

/** True for an absolute URI without a fragment (RFC 8707 §2 resource indicators). */
export function isAbsoluteUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return !u.hash && value.length <= 2048 && /^[a-z][a-z0-9+.-]*:$/.test(u.protocol);
  } catch {
    return false;
  }
}
