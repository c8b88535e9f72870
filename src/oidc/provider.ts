/**
 * One oidc-provider instance, configured for Portcullis: which protocol features are on,
 * how resource indicators map to registered resource servers, who may introspect or
 * revoke, how access tokens are sealed and found, and the hooks that feed the risk
 * engine. A new instance is built whenever the current signing key changes (holder.ts),
 * because oidc-provider's keystore is fixed at construction.
 */
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { TokenService } from '../access-tokens/index.js';
import type { RiskService } from '../risk/index.js';
import type { ResourceServerRecord } from '../registry/index.js';
import type { UserService } from '../users/index.js';
import { createOidcAdapter, type Database } from '../storage/index.js';
import { createAuthzConfiguration } from './authz.js';
import { bindingFeatures, CLIENT_AUTH_METHODS, type BindingDeps } from './binding.js';
import { bindFingerprintSessions, fingerprintClaims, type FingerprintDeps } from './fingerprint.js';
import { introspectionPolicy, ownerOrIntrospector } from './introspection-policy.js';
import { ENDPOINTS } from './routes.js';
import { checkUpstreamSeams, hashedClientSecrets, sealIssuedTokens } from './seams.js';
import { authenticationClaims, logoutFeature, signInOptions, type LogoutPages } from './sign-in.js';
import { createAdapter } from './adapter.js';
import type { RevokedToken } from './token-adapter.js';
import { endSessionRevocation, watchForRisk } from './risk-hooks.js';

export interface ProviderDeps {
  config: Config;
  db: Database;
  log: Logger;
  cookieKeys: string[];
  clientPepper: Uint8Array;
  /** key of the keyed hash under which codes, refresh tokens and other bearer artefacts are stored */
  artefactKey: Uint8Array;
  tokens: TokenService;
  users: UserService;
  binding: BindingDeps;
  fingerprints?: FingerprintDeps;
  risk?: RiskService;
  logoutPages: LogoutPages;
  /** registered resource servers (cached lookups) */
  resource(audience: string): Promise<ResourceServerRecord | undefined>;
  /** counts a minted access token */
  issued(kind: string): void;
  /** a token was revoked at /revoke */
  revoked(token: RevokedToken): Promise<void>;
  /** the clock of remembered lookups (clients, role grants), epoch ms */
  now?: () => number;
  /** clients that are part of the issuer itself (the account page), served from configuration rather than the registry */
  builtinClients?: Record<string, unknown>[];
  /** a browser session signed in or was used at /auth (the account page lists its devices) */
  sessionUsed?(ctx: KoaContextWithOIDC, session: { uid: string; accountId: string }): Promise<void>;
}

type Client = NonNullable<KoaContextWithOIDC['oidc']['client']>;

function audiencesOf(client: Client): string[] {
  const value = (client as unknown as Record<string, unknown>).portcullis_audiences;
  return Array.isArray(value) ? value as string[] : [];
}

/** After each successful authorization, which session it used (oidc-provider's `authorization.success` event). */
function watchSessions(provider: Provider, used: NonNullable<ProviderDeps['sessionUsed']>, log: Logger): void {
  provider.on('authorization.success', (ctx: KoaContextWithOIDC) => {
    const session = ctx.oidc?.session;
    if (!session?.accountId || !session.uid) return;
    void used(ctx, { uid: session.uid, accountId: session.accountId }).catch((err: unknown) => log.warn({ err: String(err) }, 'session device not recorded'));
  });
}

/** Builds a provider that signs ID tokens and introspection answers with `signingJwk`. */
export function createProvider(deps: ProviderDeps, signingJwk: Record<string, unknown>): Provider {
  const configuration = baseConfiguration(deps, signingJwk);
  addClaims(configuration, deps);
  const provider = new Provider(deps.config.issuer, configuration);
  checkUpstreamSeams(provider);
  sealIssuedTokens(provider, { tokens: deps.tokens, issued: deps.issued });
  hashedClientSecrets(provider, deps.clientPepper);
  if (deps.fingerprints) provider.use(bindFingerprintSessions(deps.fingerprints) as never);
  provider.use(endSessionRevocation(deps.tokens, createOidcAdapter(deps.db.prisma, { idKey: deps.artefactKey }), `${ENDPOINTS.end_session}/confirm`) as never);
  if (deps.risk) watchForRisk(provider, deps.risk, deps.log);
  if (deps.sessionUsed) watchSessions(provider, deps.sessionUsed, deps.log);
  provider.on('server_error', (ctx: { state?: { requestId?: string } }, err: Error) => deps.log.error({ err, requestId: ctx.state?.requestId }, 'oidc-provider server_error'));
  return provider;
}

function baseConfiguration(deps: ProviderDeps, signingJwk: Record<string, unknown>): Configuration {
  const { config } = deps;
  const alg = signingJwk.alg as never;
  return {
    ...signInOptions(deps.users, deps.logoutPages),
    findAccount: accountsAtTokenEndpoint(deps),
    adapter: createAdapter({ db: deps.db, idKey: deps.artefactKey, tokens: deps.tokens, revoked: deps.revoked, risk: deps.risk, log: deps.log, now: deps.now }) as never,
    jwks: { keys: [signingJwk as never] },
    clients: (deps.builtinClients ?? []) as never,
    cookies: { keys: deps.cookieKeys },
    routes: ENDPOINTS,
    scopes: ['openid', 'offline_access'],
    clientAuthMethods: CLIENT_AUTH_METHODS as never, // adds RFC 8705 TLS client authentication
    // acr, amr and auth_time in every ID token (OIDC Core §2), not only when requested.
    claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], sid: null },
    responseTypes: ['code'],
    clientDefaults: { grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'client_secret_basic', id_token_signed_response_alg: alg, introspection_signed_response_alg: alg },
    extraClientMetadata: { properties: ['portcullis_audiences', 'portcullis_scopes', 'portcullis_fingerprint', 'portcullis_dpop_bound'] },
    // RFC 8414 §2 allows extra metadata: where the fingerprint disclosure is
    discovery: { portcullis_fingerprint_disclosure: `${config.issuer}/.well-known/fingerprint-disclosure`, portcullis_fingerprint_policies: ['required', 'optional', 'off'] },
    enabledJWA: { idTokenSigningAlgValues: ['ES256', 'EdDSA', 'PS256'], introspectionSigningAlgValues: ['ES256', 'EdDSA', 'PS256'] },
    features: features(deps),
    ttl: {
      Interaction: 600,
      Session: config.sessionTtl, // SESSION_TTL: also how long their rows (personal data) are kept
      Grant: config.sessionTtl,
      RefreshToken: config.sessionTtl,
      IdToken: 3600,
      ClientCredentials: (_ctx, token) => accessTokenTtl(token, config.accessTokenTtl),
      AccessToken: (_ctx, token) => accessTokenTtl(token, config.accessTokenTtl),
    },
    renderError: async (ctx, out) => {
      ctx.type = 'application/json';
      ctx.body = out;
    },
  };
}

function accessTokenTtl(token: unknown, fallback: number): number {
  return (token as { resourceServer?: { accessTokenTTL?: number } }).resourceServer?.accessTokenTTL ?? fallback;
}

function features(deps: ProviderDeps): NonNullable<Configuration['features']> {
  const allowed = ownerOrIntrospector(deps.resource);
  return {
    devInteractions: { enabled: false },
    // Every access token is audience-bound (resource indicators, sealed per audience), and
    // oidc-provider's userinfo refuses tokens with an audience: it could only ever refuse,
    // after opening the presented token for an unauthenticated caller. Claims go in ID tokens.
    userinfo: { enabled: false },
    rpInitiatedLogout: logoutFeature(deps.logoutPages) as never,
    clientCredentials: { enabled: true },
    introspection: { enabled: true, allowedPolicy: introspectionPolicy({ resource: deps.resource, binding: deps.binding, fingerprints: deps.fingerprints, risk: deps.risk }) as never },
    revocation: { enabled: true, allowedPolicy: allowed as never },
    jwtIntrospection: { enabled: true },
    ...(bindingFeatures(deps.binding) as object),
    resourceIndicators: resourceIndicators(deps),
  };
}

/** RFC 8707: a client asks for registered resource servers among its audiences, and for scopes both allow. */
function resourceIndicators(deps: ProviderDeps) {
  return {
    enabled: true,
    defaultResource: async (_ctx: unknown, client: unknown) => (audiencesOf(client as Client).length === 1 ? audiencesOf(client as Client)[0] : undefined),
    useGrantedResource: async () => true,
    getResourceServerInfo: async (ctx: KoaContextWithOIDC, indicator: string, client: unknown) => {
      const rs = await deps.resource(indicator);
      if (!rs || !audiencesOf(client as Client).includes(indicator)) throw new errors.InvalidTarget();
      const allowed = new Set(String((client as Record<string, unknown>).portcullis_scopes ?? '').split(' ').filter(Boolean));
      const scope = rs.scopes.split(' ').filter((s) => allowed.has(s));
      const requested = (ctx.oidc.params?.scope as string | undefined)?.split(' ').filter(Boolean) ?? [];
      const refused = requested.filter((s) => !scope.includes(s) && s !== 'openid' && s !== 'offline_access');
      if (refused.length) throw new errors.InvalidScope('requested scope is not allowed for this client and resource', refused.join(' '));
      return { scope: scope.join(' '), audience: indicator, accessTokenTTL: rs.accessTokenTtl, accessTokenFormat: 'opaque' as const };
    },
  } as never;
}

/** `permissions` and authorization details (authz.ts), sign-in levels and device binding, in every access token. */
function addClaims(configuration: Configuration, deps: ProviderDeps): void {
  // a user's own permissions (User.permissions) count with those of their roles
  const authz = createAuthzConfiguration({ db: deps.db, now: deps.now, directPermissions: async (subject) => subject.kind === 'user' ? (await deps.users.findActive(subject.id))?.permissions.split(' ').filter(Boolean) ?? [] : [] });
  const device = deps.fingerprints ? fingerprintClaims(deps.fingerprints) : undefined;
  configuration.extraTokenClaims = (async (ctx: KoaContextWithOIDC, token: never) => ({
    ...await authenticationClaims(ctx, token), ...await authz.extraTokenClaims(ctx, token), ...await device?.(ctx, token),
  })) as never;
  configuration.features!.richAuthorizationRequests = authz.richAuthorizationRequests as never;
  (configuration.clientDefaults as Record<string, unknown>).authorization_details_types = authz.authorizationDetailsTypes;
}

/**
 * At /token a user under a risk lockout is an unknown account, so oidc-provider refuses
 * their refresh tokens (before consuming them) and codes. Only there: mid-interaction
 * (login done, consent pending) a vanished account would break oidc-provider's resume.
 */
function accountsAtTokenEndpoint(deps: ProviderDeps): Configuration['findAccount'] {
  const find = signInOptions(deps.users, deps.logoutPages).findAccount!;
  return async (ctx, sub, token) => {
    const locked = ctx.oidc?.route === 'token' && deps.risk ? await deps.risk.userLockedFor(sub) : 0;
    return locked > 0 ? undefined : find(ctx, sub, token);
  };
}
