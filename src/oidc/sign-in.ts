/**
 * People signing in: oidc-provider's account lookup, interaction policy and URL,
 * authentication levels, PKCE, refresh token rotation and RP-initiated logout, plus
 * the narrow view of an interaction that Portcullis's own pages work with (SignIn).
 */
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Context } from 'koa';
import { ACR_MFA, ACR_VALUES, wantsMfa, type UserService } from '../users/index.js';

/** Where oidc-provider sends a browser that must sign in or consent. */
export const INTERACTION_PREFIX = '/interaction/';

/** The sign-in pages oidc-provider's logout flow shows. */
export interface LogoutPages {
  /** the confirmation page around oidc-provider's form (which carries its own xsrf field) */
  confirm(form: string): string;
  signedOut(): string;
}

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

type Entities = KoaContextWithOIDC['oidc']['entities'] & Record<string, { acr?: string; amr?: string[]; authTime?: number } | undefined>;

/**
 * acr, amr and auth_time in user access tokens (RFC 9068 §2.2.1), copied from the code
 * or refresh token the access token is minted from; ID tokens get them from oidc-provider.
 */
export async function authenticationClaims(ctx: KoaContextWithOIDC, token: { kind?: string; accountId?: string }) {
  if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
  const entities = ctx.oidc.entities as Entities;
  const source = entities.AuthorizationCode ?? entities.RefreshToken;
  if (!source) return undefined;
  return { acr: source.acr, amr: source.amr, auth_time: source.authTime };
}

/** Configuration for user sign-in. */
export function signInOptions(users: UserService, pages: LogoutPages): Partial<Configuration> {
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
    // A person who turned device fingerprinting off gets no refresh tokens instead of
    // device-bound ones: an app brings them back through sign-in when its access token ends.
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access')
      && !(code.accountId && (await users.findActive(code.accountId))?.fingerprintOptOut),
  };
}

/** OpenID Connect RP-Initiated Logout 1.0 with our pages. */
export function logoutFeature(pages: LogoutPages) {
  return {
    enabled: true,
    logoutSource: async (ctx: KoaContextWithOIDC, form: string) => { ctx.type = 'html'; ctx.body = pages.confirm(form); },
    postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => { ctx.type = 'html'; ctx.body = pages.signedOut(); },
  };
}

/** What the sign-in pages see of an interaction. */
export interface PendingSignIn {
  uid: string;
  prompt: { name: string; details: Record<string, unknown> };
  params: Record<string, unknown>;
  session?: { accountId?: string };
  grantId?: string;
  /** what the pages keep between their steps (the user waiting for a second factor) */
  kept?: unknown;
  /** seconds since the epoch when the interaction expires */
  exp?: number;
}

/** The result of a sign-in step handed back to oidc-provider. */
export type SignInResult = Record<string, unknown>;

/** Interactions, for the sign-in pages: oidc-provider's interaction API without its types. */
export interface SignIn {
  /** The interaction the request's interaction cookie names; throws SignInExpired when there is none. */
  details(ctx: Context): Promise<PendingSignIn>;
  /** Keeps a value with the interaction (undefined clears it) until it expires. */
  keep(ctx: Context, pending: PendingSignIn, value: unknown): Promise<void>;
  /** Finishes the interaction; answers the URL to send the browser to. */
  finish(ctx: Context, result: SignInResult, opts?: { merge?: boolean }): Promise<string>;
  /** Records consent to everything the interaction's prompt found missing; answers the grant id. */
  consent(pending: PendingSignIn): Promise<string>;
  /** The session the browser's session cookie names, when it is signed in. */
  current(ctx: Context): Promise<SignedIn | undefined>;
}

/** The browser's signed-in session: its public uid (never the cookie's id), the account, and how and when it signed in. */
export interface SignedIn { uid: string; accountId: string; acr?: string; amr?: string[]; loginTs?: number }

/** No interaction for this browser (expired, or started elsewhere). */
export class SignInExpired extends Error {}

const KEPT = 'portcullis_kept';
type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** The SignIn facade over the live provider. */
export function createSignIn(provider: () => Provider): SignIn {
  const interactions = new WeakMap<PendingSignIn, Interaction>();
  return {
    async details(ctx) {
      const i = await provider().interactionDetails(ctx.req, ctx.res).catch((err: unknown) => {
        const status = (err as { statusCode?: number })?.statusCode;
        throw typeof status === 'number' && status < 500 ? new SignInExpired() : err;
      });
      const view: PendingSignIn = {
        uid: i.uid, prompt: i.prompt as PendingSignIn['prompt'], params: i.params, session: i.session, grantId: i.grantId,
        kept: (i.result as Record<string, unknown> | undefined)?.[KEPT], exp: i.exp,
      };
      interactions.set(view, i);
      return view;
    },
    async keep(_ctx, pending, value) {
      const i = interactions.get(pending);
      if (!i) throw new TypeError('keep: not an interaction from details()');
      i.result = value === undefined ? undefined : { [KEPT]: value };
      await i.save(Math.max(1, (i.exp ?? 0) - Math.floor(Date.now() / 1000)));
    },
    finish: (ctx, result, opts = {}) => provider().interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: opts.merge ?? false }),
    async consent(pending) {
      const { Grant } = provider();
      const d = pending.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      const accountId = String(pending.session?.accountId);
      const grant = (pending.grantId ? await Grant.find(pending.grantId) : undefined) ?? new Grant({ accountId, clientId: String(pending.params.client_id) });
      if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
      if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      return grant.save();
    },
    async current(ctx) {
      const s = await provider().Session.get(ctx as never).catch(() => undefined);
      if (!s?.accountId || !s.uid) return undefined;
      return { uid: s.uid, accountId: s.accountId, acr: s.acr, amr: s.amr, loginTs: s.loginTs };
    },
  };
}
