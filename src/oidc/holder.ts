/**
 * The live oidc-provider instance, mounted on the HTTP app's own Koa context
 * (koa-mount, oidc-provider's documented way into a Koa app). A new instance takes over
 * when the current signing key changes, so ID tokens and introspection JWTs are always
 * signed by the key the JWKS marks current; requests in flight finish on the instance
 * they started on.
 */
import type Provider from 'oidc-provider';
import type { Middleware } from 'koa';
import mount from 'koa-mount';
import { TemporarilyUnavailable } from '../errors/index.js';
import type { KeyStore } from '../keys/index.js';

export interface ProviderHolder {
  provider(): Provider;
  /** Koa middleware: the live instance answers the request. */
  serve: Middleware;
}

/** Builds the first provider and a new one after every change of the current signing key. */
export function createProviderHolder(keys: Pick<KeyStore, 'signingKey' | 'onChange'>, build: (signingJwk: Record<string, unknown>) => Provider): ProviderHolder {
  let kid = keys.signingKey().kid;
  let current = build(jwkOf(keys));
  let mounted = mount(current);
  keys.onChange(() => {
    if (keys.signingKey().kid === kid) return;
    kid = keys.signingKey().kid;
    current = build(jwkOf(keys));
    mounted = mount(current);
  });
  return { provider: () => current, serve: async (ctx, next) => {
    await mounted(ctx, next);
    // oidc-provider answered server_error because the database was unavailable: 503 instead
    if (ctx.state.unavailable) throw new TemporarilyUnavailable();
  } };
}

function jwkOf(keys: Pick<KeyStore, 'signingKey'>): Record<string, unknown> {
  const { privateJwk, kid, alg } = keys.signingKey();
  return { ...privateJwk, kid, alg, use: 'sig' };
}
