/**
 * oidc-provider, and everything Portcullis plugs into it. The only folder that imports
 * oidc-provider (test/unit/oidc/boundary.test.ts holds it so); docs/architecture.md lists
 * every extension point used and the upstream file it relies on.
 */
import type Provider from 'oidc-provider';
import type { KeyStore } from '../keys/index.js';
import { createProviderHolder, type ProviderHolder } from './holder.js';
import { createProvider, type ProviderDeps } from './provider.js';
import { createSignIn, type SignIn } from './sign-in.js';

export interface Oidc extends ProviderHolder {
  /** interactions, for the sign-in pages */
  signIn: SignIn;
}

/** The live provider for the current signing key, and the sign-in facade over it. */
export function createOidc(deps: ProviderDeps, keys: Pick<KeyStore, 'signingKey' | 'onChange'>): Oidc {
  const holder = createProviderHolder(keys, (signingJwk) => createProvider(deps, signingJwk));
  return { ...holder, signIn: createSignIn(() => holder.provider() as Provider) };
}

export type { ProviderDeps } from './provider.js';
export type { ProviderHolder } from './holder.js';
export type { BindingDeps } from './binding.js';
export { CLIENT_AUTH_METHODS } from './binding.js';
export type { FingerprintDeps } from './fingerprint.js';
export { PROVIDER_ROUTES, ENDPOINTS } from './routes.js';
export type { ProviderRoute, ProviderRouteName } from './routes.js';
export { INTERACTION_PREFIX, SignInExpired } from './sign-in.js';
export type { SignIn, SignedIn, PendingSignIn, SignInResult, LogoutPages } from './sign-in.js';
export { SHIELD } from './token-adapter.js';
export type { RevokedToken } from './token-adapter.js';
export type { TokenRequestState } from './request-state.js';
export { toClaims } from './token-claims.js';
export { UPSTREAM_SEAMS } from './seams.js';
export { createAuthzConfiguration } from './authz.js';
