/**
 * The oidc-provider internals Portcullis replaces, beyond its documented configuration,
 * events and adapter. Each is deliberate: no documented seam can do what it does. They
 * are checked when a provider is built, so an oidc-provider upgrade that changes one
 * fails at start-up with a message naming it (and test/integration/http/upstream-seams.test.ts
 * pins the behaviour each relies on). docs/architecture.md lists them with the
 * upstream files.
 */
import { timingSafeEqual } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { TokenService } from '../access-tokens/index.js';
import { verifyClientSecret } from '../registry/index.js';
import { toClaims, type ModelPayload } from './token-claims.js';

type Model = { prototype: Record<string, unknown> };
type Models = Record<string, Model | undefined>;

/** Each replaced internal: where it lives upstream and why it is replaced. */
export const UPSTREAM_SEAMS = [
  {
    name: 'AccessToken.prototype.getValueAndPayload',
    upstream: 'lib/models/access_token.js, lib/models/formats/opaque.js',
    why: 'oidc-provider\'s formats are opaque (stored) or JWT (sign, then encrypt); a Portcullis token is sealed (encrypt, then sign) and never stored',
  },
  {
    name: 'ClientCredentials.prototype.getValueAndPayload',
    upstream: 'lib/models/client_credentials.js, lib/models/formats/opaque.js',
    why: 'the same, for client credentials tokens',
  },
  {
    name: 'Client.prototype.compareClientSecret',
    upstream: 'lib/models/client.js',
    why: 'client secrets are stored as keyed hashes (registry/client-secret.ts), never in clear',
  },
] as const;

/** Throws naming every replaced internal that this oidc-provider no longer has. */
export function checkUpstreamSeams(provider: Provider): void {
  const models = provider as unknown as Models;
  const missing = UPSTREAM_SEAMS.map((s) => s.name).filter((name) => {
    const [model, , method] = name.split('.');
    return typeof models[model]?.prototype?.[method] !== 'function';
  });
  if (missing.length) {
    throw new TypeError(`this oidc-provider version no longer has ${missing.join(', ')}, which Portcullis replaces (src/oidc/seams.ts); check its changes before upgrading`);
  }
}

export interface SealDeps {
  tokens: TokenService;
  /** counts a minted token */
  issued(kind: string): void;
}

/**
 * Access tokens come out sealed: the claims oidc-provider computed for its opaque format
 * (client, audience, scope, expiry, `cnf`, extra claims) become a nested token, and no
 * payload goes back, so oidc-provider stores nothing.
 */
export function sealIssuedTokens(provider: Provider, deps: SealDeps): void {
  const models = provider as unknown as Models;
  for (const kind of ['AccessToken', 'ClientCredentials'] as const) {
    const proto = models[kind]!.prototype;
    const opaque = proto.getValueAndPayload as (this: unknown) => Promise<{ payload: ModelPayload }>;
    proto.getValueAndPayload = async function (this: unknown) {
      const { payload } = await opaque.call(this);
      const value = await deps.tokens.issue(toClaims(provider.issuer, kind, payload));
      deps.issued(kind);
      return { value };
    };
  }
}

/**
 * Client secrets are compared with their stored keyed hash, in constant time. A secret
 * that passed is remembered beside its Client (oidc-provider builds a new one whenever
 * the registered metadata changes), and later presentations are compared with it.
 */
export function hashedClientSecrets(provider: Provider, pepper: Uint8Array): void {
  const proto = (provider as unknown as Models).Client!.prototype;
  const verified = new WeakMap<object, Buffer>();
  proto.compareClientSecret = async function (this: { clientSecret?: string }, presented: unknown) {
    if (typeof presented !== 'string') return false;
    const given = Buffer.from(presented);
    const known = verified.get(this);
    if (known && known.length === given.length && timingSafeEqual(known, given)) return true;
    const ok = verifyClientSecret(pepper, this.clientSecret, presented);
    if (ok) verified.set(this, given);
    return ok;
  };
}
