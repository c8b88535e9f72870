/**
 * What the consent screen and the login page say about a request, in words a person
 * reads: the client's registered name, the scopes grouped by resource server with their
 * registered sentences, and the "Not you?" link.
 */
import type { PendingSignIn } from '../oidc/index.js';
import type { ConsentGroup } from './pages.js';
import type { StepDeps } from './steps.js';

/** The name the client registered for people to read (its id when none). */
export const clientName = async (deps: Pick<StepDeps, 'display'>, id: string) => (await deps.display?.client(id))?.name ?? id;

/** Sentences for the OpenID Connect scopes (OIDC Core §5.4, §11). */
const OIDC_SCOPES: Record<string, string> = {
  openid: 'Know that it is you (your account identifier)',
  offline_access: 'Keep its access while you are not using it, until you sign out everywhere or remove it from your account',
};

/** What the consent screen lists: the sign-in scopes, then each resource server's scopes with their registered sentences. */
export async function requestedGroups(deps: Pick<StepDeps, 'display'>, i: PendingSignIn): Promise<ConsentGroup[]> {
  const d = i.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
  const oidc = (d.missingOIDCScope ?? []).map((s) => OIDC_SCOPES[s] ?? s);
  const groups: ConsentGroup[] = oidc.length ? [{ name: 'Your account', items: oidc }] : [];
  for (const [audience, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
    const rs = await deps.display?.resource(audience);
    groups.push({ name: rs?.name ?? audience, items: scopes.map((s) => rs?.scopes[s] ?? s) });
  }
  return groups;
}

/**
 * "Not you?": the same authorization request with prompt=login (OIDC Core §3.1.2.1), so
 * another person signs in and the app still gets its answer.
 */
export function switchUserUrl(i: PendingSignIn): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(i.params)) {
    if (k === 'prompt' || v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) query.append(k, String(one));
  }
  query.set('prompt', 'login');
  return `/auth?${query.toString()}`;
}
