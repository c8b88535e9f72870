/**
 * The parts of oidc-provider's configuration that concern people: accounts, the
 * interaction (login and consent) pages, authentication levels, PKCE, refresh token
 * rotation and RP-initiated logout. provider.ts merges these in.
 */
import { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { ACR_MFA, ACR_VALUES, type UserService } from '../users/index.js';
import { logoutPage, signedOutPage } from './pages.js';

/** Paths of Portcullis's own interaction pages. */
export const INTERACTION_PREFIX = '/interaction/';

/** A login prompt that also fires when the client asks for a level the session lacks (acr_values). */
function policy() {
  const prompts = interactionPolicy.base();
  const login = prompts.get('login')!;
  login.checks.push(new interactionPolicy.Check('acr_values', 'a higher authentication level is required', 'login_required', (ctx) => {
    if (!wantsMfa(ctx.oidc.params?.acr_values)) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
    const acr = (ctx.oidc.result as { login?: { acr?: string } } | undefined)?.login?.acr ?? ctx.oidc.session?.acr;
    return acr === ACR_MFA ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT;
  }));
  return prompts;
}

/** True when acr_values asks for the second-factor level. */
export function wantsMfa(acrValues: unknown): boolean {
  return typeof acrValues === 'string' && acrValues.split(' ').includes(ACR_MFA);
}

type Entities = KoaContextWithOIDC['oidc']['entities'] & Record<string, { acr?: string; amr?: string[]; authTime?: number } | undefined>;

/**
 * acr, amr and auth_time in user access tokens (RFC 9068 §2.2.1), copied from the code
 * or refresh token the access token is minted from; ID tokens get them from oidc-provider.
 */
async function authenticationClaims(ctx: KoaContextWithOIDC, token: { kind?: string; accountId?: string }) {
  if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
  const entities = ctx.oidc.entities as Entities;
  const source = entities.AuthorizationCode ?? entities.RefreshToken;
  if (!source) return undefined;
  return { acr: source.acr, amr: source.amr, auth_time: source.authTime };
}

/** Configuration for user sign-in. */
export function userProviderOptions(users: UserService): Partial<Configuration> {
  return {
    findAccount: async (_ctx, sub) => {
      const user = await users.findActive(sub);
      return user ? { accountId: user.id, claims: async () => ({ sub: user.id }) } : undefined;
    },
    interactions: { url: async (_ctx, interaction) => `${INTERACTION_PREFIX}${interaction.uid}`, policy: policy() },
    acrValues: ACR_VALUES,
    // RFC 9700 §2.1.1: PKCE for every client; oidc-provider 9 supports S256 only, so plain is refused.
    pkce: { required: () => true },
    // RFC 9700 §4.14.2: a refresh token is used once; reuse revokes the grant (oidc-provider does it).
    rotateRefreshToken: true,
    extraTokenClaims: authenticationClaims as never,
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  };
}

/** RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) with our pages. */
export const logoutFeature = {
  enabled: true,
  logoutSource: async (ctx: KoaContextWithOIDC, form: string) => { ctx.type = 'html'; ctx.body = logoutPage(form); },
  postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => { ctx.type = 'html'; ctx.body = signedOutPage(); },
};
