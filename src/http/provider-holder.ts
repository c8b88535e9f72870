/**
 * Holds the live oidc-provider instance and swaps in a new one when the current
 * signing key changes, so ID tokens and introspection JWTs are always signed by the
 * key our JWKS marks current. Requests in flight finish on the instance they started on.
 */
import type Provider from 'oidc-provider';
import type { KeyStore } from '../keys/index.js';

export interface ProviderHolder {
  provider(): Provider;
  callback(): ReturnType<Provider['callback']>;
}

/** Builds the first provider and rebuilds it after a key change. */
export function createProviderHolder(keys: KeyStore, build: (signingJwk: Record<string, unknown>) => Provider): ProviderHolder {
  let kid = keys.signingKey().kid;
  let current = build(jwkOf(keys));
  let handler = current.callback();
  keys.onChange(() => {
    if (keys.signingKey().kid === kid) return;
    kid = keys.signingKey().kid;
    current = build(jwkOf(keys));
    handler = current.callback();
  });
  return { provider: () => current, callback: () => handler };
}

function jwkOf(keys: KeyStore): Record<string, unknown> {
  const { privateJwk, kid, alg } = keys.signingKey();
  return { ...privateJwk, kid, alg, use: 'sig' };
}
