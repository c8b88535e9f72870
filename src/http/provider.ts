/**
 * oidc-provider configuration: which protocol features are on, how resource
 * indicators map to registered resource servers, and who may introspect or revoke.
 * A new provider is built whenever the current signing key changes (see
 * provider-holder.ts), because oidc-provider's keystore is fixed at construction.
 */
import type { IncomingMessage } from 'node:http';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../config/index.js';
import type { Database } from '../storage/index.js';
import { createOidcAdapter, type OidcAdapter, type OidcAdapterClass } from '../storage/index.js';
import { findResource, type ResourceServerRecord } from '../registry/index.js';
import { logoutFeature, userProviderOptions } from '../interactions/index.js';
import type { UserService } from '../users/index.js';
import { createTtlCache } from './ttl-cache.js';
import { createAuthzConfiguration } from './authz-config.js';
import { bindingFeatures, withBindingCheck, CLIENT_AUTH_METHODS, type BindingDeps } from './binding-features.js';
import { fingerprintClaims, withFingerprintCheck, type FingerprintDeps } from './fingerprint-features.js';

export interface ProviderDeps {
  config: Config;
  db: Database;
  signingJwk: Record<string, unknown>;
  cookieKeys: string[];
  /** DPoP and mTLS (issue 5), see binding-features.ts */
  binding: BindingDeps;
  users: UserService;
  /** device fingerprints (issue 6), see fingerprint-features.ts */
  fingerprints?: FingerprintDeps;
  /** issue 7: seconds a user is still locked out; a locked user is no account to oidc-provider */
  userLockedFor?(userId: string): Promise<number>;
}

type Client = NonNullable<KoaContextWithOIDC['oidc']['client']>;
type Token = { clientId?: string; aud?: string | string[] };

function audiencesOf(client: Client): string[] {
  const value = (client as unknown as Record<string, unknown>).portcullis_audiences;
  return Array.isArray(value) ? value as string[] : [];
}

/** RFC 7662 §4 / RFC 7009 §2.1: a client sees only its own tokens, or tokens for the resource server it introspects for. */
function allowedFor(resources: (aud: string) => ResourceServerRecord | undefined | Promise<ResourceServerRecord | undefined>) {
  return async (_ctx: unknown, client: Client, token: Token): Promise<boolean> => {
    if (token.clientId === client.clientId) return true;
    const aud = Array.isArray(token.aud) ? token.aud[0] : token.aud;
    if (!aud) return false;
    return (await resources(aud))?.introspector === client.clientId;
  };
}

/** Client lookups (every token request) are cached for a second, like resource servers. */
function withCachedClients(Base: OidcAdapterClass): OidcAdapterClass {
  return class {
    constructor(name: string) {
      const adapter = new Base(name);
      if (name !== 'Client') return adapter;
      const find = createTtlCache((id: string) => adapter.find(id), 1000);
      return Object.assign(Object.create(adapter) as OidcAdapter, { find });
    }
  } as unknown as OidcAdapterClass;
}

/** Introspection's allowedPolicy: who may ask, then the presented DPoP/mTLS proof (issue 5) and fingerprint (issue 6). */
function introspectionPolicy(base: ReturnType<typeof allowedFor>, deps: ProviderDeps) {
  const bound = withBindingCheck(base, deps.binding);
  return deps.fingerprints ? withFingerprintCheck(bound as never, deps.fingerprints) : bound;
}

/** Builds a provider for the given signing key. */
export function createProvider(deps: ProviderDeps): Provider {
  const { config, db } = deps;
  const resources = createTtlCache((aud: string) => findResource(db, aud), 1000);
  const Adapter = withCachedClients(createOidcAdapter(db.prisma));

  const configuration: Configuration = {
    ...userProviderOptions(deps.users),
    adapter: Adapter as never,
    jwks: { keys: [deps.signingJwk as never] },
    cookies: { keys: deps.cookieKeys },
    routes: { introspection: '/introspect', revocation: '/revoke', jwks: '/jwks' },
    scopes: ['openid', 'offline_access'],
    clientAuthMethods: CLIENT_AUTH_METHODS as never, // issue 5: adds RFC 8705 TLS client auth
    // acr, amr and auth_time in every ID token (OIDC Core §2), not only when requested.
    claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], sid: null },
    responseTypes: ['code'],
    clientDefaults: { grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'client_secret_basic', id_token_signed_response_alg: deps.signingJwk.alg as never, introspection_signed_response_alg: deps.signingJwk.alg as never },
    extraClientMetadata: { properties: ['portcullis_audiences', 'portcullis_scopes', 'portcullis_fingerprint', 'portcullis_dpop_bound'] },
    // issue 6: where the fingerprint disclosure is (RFC 8414 §2 allows extra metadata)
    discovery: { portcullis_fingerprint_disclosure: `${config.issuer}/.well-known/fingerprint-disclosure`, portcullis_fingerprint_policies: ['required', 'optional', 'off'] },
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256', 'EdDSA', 'PS256'],
      introspectionSigningAlgValues: ['ES256', 'EdDSA', 'PS256'],
    },
    features: {
      devInteractions: { enabled: false },
      // Every access token is audience-bound (resource indicators, sealed per audience), and
      // oidc-provider's userinfo refuses tokens with an audience: it could only ever refuse,
      // after opening the presented token for an unauthenticated caller. Off, so discovery
      // does not advertise it and /me is not a route. Claims go in ID tokens.
      userinfo: { enabled: false },
      rpInitiatedLogout: logoutFeature as never,
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: introspectionPolicy(allowedFor(resources), deps) as never }, // issue 5: presented-proof check; issue 6: fingerprint
      ...(bindingFeatures(deps.binding) as object), // issue 5: dPoP, mTLS
      revocation: { enabled: true, allowedPolicy: allowedFor(resources) as never },
      jwtIntrospection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, client) => audiencesOf(client as Client).length === 1 ? audiencesOf(client as Client)[0] : undefined,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, indicator, client) => {
          const rs = await resources(indicator);
          if (!rs || !audiencesOf(client as Client).includes(indicator)) throw new errors.InvalidTarget();
          const allowed = new Set(String((client as unknown as Record<string, unknown>).portcullis_scopes ?? '').split(' ').filter(Boolean));
          const scope = rs.scopes.split(' ').filter((s) => allowed.has(s));
          const requested = (ctx.oidc.params?.scope as string | undefined)?.split(' ').filter(Boolean) ?? [];
          const refused = requested.filter((s) => !scope.includes(s) && s !== 'openid' && s !== 'offline_access');
          if (refused.length) throw new errors.InvalidScope('requested scope is not allowed for this client and resource', refused.join(' '));
          return { scope: scope.join(' '), audience: indicator, accessTokenTTL: rs.accessTokenTtl, accessTokenFormat: 'opaque' };
        },
      },
    },
    ttl: {
      Interaction: 600,
      Session: config.sessionTtl, // SESSION_TTL: also how long their rows (personal data) are kept
      Grant: config.sessionTtl,
      RefreshToken: config.sessionTtl,
      IdToken: 3600,
      ClientCredentials: (_ctx, token) => (token as unknown as { resourceServer?: { accessTokenTTL?: number } }).resourceServer?.accessTokenTTL ?? config.accessTokenTtl,
      AccessToken: (_ctx, token) => (token as unknown as { resourceServer?: { accessTokenTTL?: number } }).resourceServer?.accessTokenTTL ?? config.accessTokenTtl,
    },
    renderError: async (ctx, out) => {
      ctx.type = 'application/json';
      ctx.body = out;
    },
  };
  // --- claims-based authorization: `permissions` claim and RFC 9396 authorization details (authz-config.ts) ---
  // a user's own permissions (User.permissions) count with those of their roles
  const authz = createAuthzConfiguration({ db, directPermissions: async (subject) => subject.kind === 'user' ? (await deps.users.findActive(subject.id))?.permissions.split(' ').filter(Boolean) ?? [] : [] });
  const userClaims = configuration.extraTokenClaims as unknown as (ctx: unknown, token: unknown) => Promise<object | undefined>;
  const deviceClaims = deps.fingerprints ? fingerprintClaims(deps.fingerprints) : undefined; // issue 6: fpp, fpd
  // Object.assign, not spread: see toClaims (oidc-bridge.ts)
  configuration.extraTokenClaims = (async (ctx: unknown, token: unknown) => Object.assign(
    {}, await userClaims?.(ctx, token), await authz.extraTokenClaims(ctx, token as never), await deviceClaims?.(ctx as never, token as never),
  )) as never;
  configuration.features!.richAuthorizationRequests = authz.richAuthorizationRequests as never;
  (configuration.clientDefaults as Record<string, unknown>).authorization_details_types = authz.authorizationDetailsTypes;
  // --- end claims-based authorization ---
  // issue 7: at /token a risk-locked user is an unknown account, so oidc-provider refuses
  // refresh tokens (before consuming them) and codes. Only there: mid-interaction (login
  // done, consent pending) a vanished account would break oidc-provider's resume.
  const findAccount = configuration.findAccount!;
  configuration.findAccount = async (ctx, sub, token) => {
    const atToken = (ctx as unknown as { oidc?: { route?: string } }).oidc?.route === 'token';
    return atToken && await deps.userLockedFor?.(sub) ? undefined : findAccount(ctx, sub, token);
  };
  const provider = new Provider(config.issuer, configuration);
  provider.proxy = false;
  return provider;
}

/** The request oidc-provider is handling in the current async context (its `Provider.ctx`), if any. */
export function providerRequest(): IncomingMessage | undefined {
  return (Provider as unknown as { ctx?: { req?: IncomingMessage } }).ctx?.req;
}
