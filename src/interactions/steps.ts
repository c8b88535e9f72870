/**
 * One function per interaction step: show the page the prompt needs, check the
 * password, check the TOTP code, record consent, or deny. Each either renders a page
 * or finishes the interaction (303 back to oidc-provider's /auth/:uid resume).
 */
import type { Context } from 'koa';
import type { PendingSignIn, SignIn, SignInResult } from '../oidc/index.js';
import type { Throttle, ThrottleKind } from '../throttle/index.js';
import { levelOf, wantsMfa, type UserService } from '../users/index.js';
import { csrfToken, FormError } from './form.js';
import { setPagePolicy } from './csp.js';
import { consentPage, lockoutPage, loginPage, totpPage, waitFor, type Brand, type ConsentClient, type ConsentGroup } from './pages.js';
import { OPT_OUT_COOKIE, parseFingerprint, type FingerprintPolicy, type FingerprintService } from '../fingerprint/index.js';
import { unfamiliarSubject, type RiskService } from '../risk/index.js';
import { deviceOf, ensureDevice, type FamiliarPlaces } from '../familiar/index.js';

type Interaction = PendingSignIn;
export interface StepDeps {
  signIn: SignIn; users: UserService; csrfKey: Uint8Array; now?: () => number;
  /** budgets and lockouts on the password and code forms, keyed by client address and user */
  throttle?: Throttle;
  clientIp?: (ctx: Context) => string;
  /** device fingerprints taken at sign-in, per the client's policy */
  fingerprints?: { service: FingerprintService; policy(clientId: string): Promise<FingerprintPolicy> };
  /** deny list and risk lockouts before the password, signals after it; its subject keys name people to the throttle */
  risk?: Pick<RiskService, 'checkLogin' | 'loginFailed' | 'loginSucceeded' | 'keys'>;
  /** a one-time recovery code in place of a TOTP code (true once per code) */
  recovery?(userId: string, code: string): Promise<boolean>;
  /** product name, logo and accent colour of the pages */
  brand?: Brand;
  /** Portcullis's own account page client: its sign-ins need no consent screen */
  firstPartyClient?: string;
  /** how the consent screen names clients and resource servers (registered with each) */
  display?: { client(id: string): Promise<ConsentClient>; resource(audience: string): Promise<{ name?: string; scopes: Record<string, string> } | undefined> };
  /** the browsers and networks each person signed in from: the login form's lockouts count familiar and unfamiliar failures apart */
  familiar?: { places: FamiliarPlaces; ttlSec: number; secureCookie: boolean };
}
type Pending = { accountId: string; at: number; failures: number };

export const WRONG_CREDENTIALS = 'The username or password is incorrect.';
export const WRONG_CODE = 'That code is not valid. Wait for the next code and try again.';
export const TOO_MANY = 'Too many attempts.';
/** Where a locked-out person can reset their password instead of waiting. */
export const RESET_PATH = '/account/password/forgot';
export const DEVICE_CHECK_NEEDED = 'This app needs a device check to sign in. Enable JavaScript, reload the page and try again.';
const PENDING_TTL = 300;
const MAX_CODE_FAILURES = 5;

const epoch = (deps: StepDeps) => Math.floor((deps.now ?? Date.now)() / 1000);
const path = (i: Interaction, step = '') => `/interaction/${i.uid}${step ? `/${step}` : ''}`;

function pendingOf(deps: StepDeps, i: Interaction): Pending | undefined {
  const p = i.kept as Pending | undefined;
  return p && epoch(deps) - p.at <= PENDING_TTL ? p : undefined;
}

async function savePending(deps: StepDeps, ctx: Context, i: Interaction, pending: Pending | undefined): Promise<void> {
  await deps.signIn.keep(ctx, i, pending);
}

// Consent keeps the login of the previous interaction (mergeWithLastSubmission), so
// max_age=0 or acr_values checks see this request's fresh login and do not loop.
async function finish(deps: StepDeps, ctx: Context, result: SignInResult, merge = false): Promise<void> {
  const to = await deps.signIn.finish(ctx, result, { merge });
  ctx.redirect(to);
  ctx.status = 303;
}

function html(ctx: Context, body: string): void {
  ctx.type = 'html';
  ctx.body = body;
}

/**
 * The throttle's subject: the risk engine's pseudonymous key of the name as typed (or of
 * the user id at the TOTP form), so the throttle's counters and its lockout log line
 * tell people apart without naming them, exactly as the risk records do.
 */
function throttleSubject(deps: StepDeps, subject: Subject): string {
  const keys = deps.risk?.keys;
  if ('userId' in subject) return keys ? keys.ofUser(subject.userId) : subject.userId;
  const key = keys ? keys.ofName(subject.typed) : subject.typed.trim().toLowerCase();
  return subject.familiar === false ? unfamiliarSubject(key) : key;
}
type Subject = { typed: string; familiar?: boolean } | { userId: string };

/**
 * Whether this browser or network is one the named person signed in from (docs/lockout.md).
 * A name with no familiar place (nobody has it, or its owner never signed in) has one
 * side only, as has a deployment without the store.
 */
async function isFamiliar(deps: StepDeps, ctx: Context, typed: string, ip: string): Promise<boolean> {
  if (!deps.familiar || !deps.risk) return true;
  return deps.familiar.places.isFamiliar(deps.risk.keys.ofName(typed), { device: deviceOf(ctx), ip });
}

/** After a successful password: this browser (given a device cookie) and network become familiar. */
async function rememberPlace(deps: StepDeps, ctx: Context, username: string, ip: string): Promise<void> {
  if (!deps.familiar || !deps.risk) return;
  const device = ensureDevice(ctx, deps.familiar.ttlSec, deps.familiar.secureCookie);
  await deps.familiar.places.remember(deps.risk.keys.ofName(username), { device, ip });
}

/**
 * Asks the throttle before any password or code work; on refusal answers 429 with
 * Retry-After and the same page for every username (no enumeration through lockouts).
 */
async function allowed(deps: StepDeps, ctx: Context, kind: ThrottleKind, subject: Subject, page: (retryAfter: number) => string): Promise<{ ip: string; subject: string } | undefined> {
  const keys = { ip: addressOf(deps, ctx), subject: throttleSubject(deps, subject) };
  if (!deps.throttle) return keys;
  const verdict = await deps.throttle.check(kind, keys);
  ctx.set(verdict.headers);
  if (verdict.allowed) return keys;
  ctx.status = 429;
  html(ctx, page(verdict.retryAfter));
  return undefined;
}

const addressOf = (deps: StepDeps, ctx: Context) => deps.clientIp?.(ctx) ?? ctx.req.socket.remoteAddress ?? 'unknown';

/**
 * A deny-listed address or a user under a risk lockout gets the same 429 page
 * as the throttle's lockout (unknown usernames are locked the same way: no enumeration).
 */
async function riskAllows(deps: StepDeps, ctx: Context, username: string, ip: string, familiar: boolean, page: (retryAfter: number) => string): Promise<boolean> {
  const refusal = await deps.risk?.checkLogin(username, ip, familiar);
  if (!refusal) return true;
  if (refusal.retryAfter > 0) ctx.set('Retry-After', String(refusal.retryAfter));
  ctx.status = refusal.reason === 'denied' ? 403 : 429;
  html(ctx, page(refusal.retryAfter));
  return false;
}

/** GET: the page for the current prompt. */
export async function show(deps: StepDeps, ctx: Context, i: Interaction): Promise<void> {
  const csrf = csrfToken(deps.csrfKey, i.uid);
  const client = String(i.params.client_id);
  if (i.prompt.name === 'login') {
    if (pendingOf(deps, i)) return html(ctx, totpPage({ brand: deps.brand, action: path(i, 'totp'), csrf }));
    return html(ctx, loginPage({ brand: deps.brand, action: path(i, 'login'), csrf, client: await clientName(deps, client), fingerprint: await collects(deps, ctx, client) }));
  }
  if (i.prompt.name === 'consent' && deps.firstPartyClient !== undefined && client === deps.firstPartyClient) return consent(deps, ctx, i);
  if (i.prompt.name === 'consent') {
    const username = i.session?.accountId ? (await deps.users.findActive(i.session.accountId))?.username : undefined;
    return html(ctx, consentPage({ brand: deps.brand,
      action: path(i, 'consent'), abort: path(i, 'abort'), csrf, client: await deps.display?.client(client) ?? { name: client },
      groups: await requestedGroups(deps, i), username, switchUser: switchUserUrl(i),
    }));
  }
  throw new FormError(400, 'This sign-in step is not supported.');
}

/** The name the client registered for people to read (its id when none). */
const clientName = async (deps: StepDeps, id: string) => (await deps.display?.client(id))?.name ?? id;

/** Sentences for the OpenID Connect scopes (OIDC Core §5.4, §11). */
const OIDC_SCOPES: Record<string, string> = {
  openid: 'Know that it is you (your account identifier)',
  offline_access: 'Keep its access while you are not using it, until you sign out everywhere or remove it from your account',
};

/** What the consent screen lists: the sign-in scopes, then each resource server's scopes with their registered sentences. */
async function requestedGroups(deps: StepDeps, i: Interaction): Promise<ConsentGroup[]> {
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
function switchUserUrl(i: Interaction): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(i.params)) {
    if (k === 'prompt' || v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) query.append(k, String(one));
  }
  query.set('prompt', 'login');
  return `/auth?${query.toString()}`;
}

/** Whether the login page for this client loads the device collector (and may send the page's CSP for it). */
async function collects(deps: StepDeps, ctx: Context, clientId: string): Promise<boolean> {
  if (!deps.fingerprints || optedOutHere(ctx) || (await deps.fingerprints.policy(clientId)) === 'off') return false;
  setPagePolicy(ctx, { script: true });
  return true;
}

/**
 * The presented fingerprint of a login post, validated before any password work
 * (malformed: 400, nothing stored); undefined when none is needed or none was sent.
 */
async function presentedFingerprint(deps: StepDeps, ctx: Context, i: Interaction, form: URLSearchParams): Promise<{ value?: string; missing: boolean; policy: FingerprintPolicy; deferred: boolean }> {
  const policy = deps.fingerprints ? await deps.fingerprints.policy(String(i.params.client_id)) : 'off';
  // a browser whose person turned fingerprinting off sends none; whether that holds is checked after the password
  if (optedOutHere(ctx) && policy !== 'off') return { missing: false, policy, deferred: true };
  const value = policy === 'off' ? undefined : form.get('fingerprint') || undefined;
  if (value !== undefined) {
    try { parseFingerprint(value); } catch { throw new FormError(400, 'The device information sent with this form is not valid. Reload the page and try again.'); }
  }
  return { value, missing: value === undefined && policy === 'required', policy, deferred: false };
}

const optedOutHere = (ctx: Context) => ctx.cookies.get(OPT_OUT_COOKIE, { signed: false }) === '1';

export const DEVICE_CHECKS_OFF = 'This app needs device checks, which you turned off for your account. Turn them on again on your account page to use it.';

/**
 * After the password: a person who turned fingerprinting off gets no profile (their
 * fingerprint, if the browser sent one, is dropped unread); an app that requires device
 * checks cannot be used by them. A browser that only claims the opt-out still owes the
 * device check. Answers the fingerprint to record, or a refusal already rendered.
 */
async function deviceAfterPassword(deps: StepDeps, ctx: Context, user: { fingerprintOptOut: boolean }, device: Awaited<ReturnType<typeof presentedFingerprint>>, again: (error: string) => Promise<string>): Promise<{ record?: string } | undefined> {
  if (user.fingerprintOptOut) {
    if (device.policy !== 'required') return {};
    ctx.status = 403;
    html(ctx, await again(DEVICE_CHECKS_OFF));
    return undefined;
  }
  if (device.deferred && device.policy === 'required') {
    ctx.status = 400;
    html(ctx, await again(DEVICE_CHECK_NEEDED));
    return undefined;
  }
  return { record: device.value };
}

/** POST login: the password, then either the second factor or done. */
export async function login(deps: StepDeps, ctx: Context, i: Interaction, form: URLSearchParams): Promise<void> {
  if (i.prompt.name !== 'login') throw new FormError(400, 'This sign-in step is already done.');
  const username = form.get('username') ?? '';
  const client = String(i.params.client_id);
  const again = async (error: string) => loginPage({ brand: deps.brand, action: path(i, 'login'), csrf: csrfToken(deps.csrfKey, i.uid), client: await clientName(deps, client), error, username: username.slice(0, 64), fingerprint: await collects(deps, ctx, client) });
  const device = await presentedFingerprint(deps, ctx, i, form);
  if (device.missing) {
    ctx.status = 400;
    return html(ctx, await again(DEVICE_CHECK_NEEDED));
  }
  const familiar = await isFamiliar(deps, ctx, username, addressOf(deps, ctx));
  const lockedPage = (retryAfter: number) => lockoutPage({ brand: deps.brand, retry: path(i), retryAfter, reset: RESET_PATH });
  const keys = await allowed(deps, ctx, 'login', { typed: username, familiar }, lockedPage);
  if (!keys) return;
  if (!await riskAllows(deps, ctx, username, keys.ip, familiar, lockedPage)) return;
  const user = await deps.users.authenticate(username, form.get('password') ?? '');
  if (!user) {
    await deps.throttle?.fail('login', keys); // unknown usernames count the same (no enumeration)
    await deps.risk?.loginFailed(username, keys.ip, familiar);
    return html(ctx, await again(WRONG_CREDENTIALS));
  }
  await deps.throttle?.succeed('login', keys);
  const fingerprint = await deviceAfterPassword(deps, ctx, user, device, again);
  if (!fingerprint) return;
  await rememberPlace(deps, ctx, user.username, keys.ip);
  await deps.users.signedIn(user.id);
  await deps.risk?.loginSucceeded(user.username, user.id, keys.ip);
  if (fingerprint.record !== undefined) {
    await deps.fingerprints!.service.login({
      userId: user.id, interactionId: i.uid, presented: fingerprint.record, clientId: client,
      observed: { ip: keys.ip, userAgent: ctx.get('user-agent'), acceptLanguage: ctx.get('accept-language') },
    });
  }
  if (user.totp) {
    await savePending(deps, ctx, i, { accountId: user.id, at: epoch(deps), failures: 0 });
    ctx.redirect(path(i));
    ctx.status = 303;
    return;
  }
  if (wantsMfa(i.params.acr_values)) {
    return finish(deps, ctx, { error: 'unmet_authentication_requirements', error_description: 'the requested authentication level needs a second factor, and none is enrolled' });
  }
  return finish(deps, ctx, { login: { accountId: user.id, ...levelOf(false), ts: epoch(deps) } });
}

/** POST totp: the second factor (RFC 6238), each code once. */
export async function totp(deps: StepDeps, ctx: Context, i: Interaction, form: URLSearchParams): Promise<void> {
  const pending = i.prompt.name === 'login' ? pendingOf(deps, i) : undefined;
  if (!pending) throw new FormError(400, 'This sign-in has expired. Go back to the app and sign in again.');
  const page = (error: string) => totpPage({ brand: deps.brand, action: path(i, 'totp'), csrf: csrfToken(deps.csrfKey, i.uid), error });
  const keys = await allowed(deps, ctx, 'totp', { userId: pending.accountId }, (retryAfter) => page(`${TOO_MANY} ${waitFor(retryAfter)}`));
  if (!keys) return;
  const recovery = (form.get('recovery') ?? '').trim();
  const passed = recovery && deps.recovery ? await deps.recovery(pending.accountId, recovery) : await deps.users.verifyTotp(pending.accountId, form.get('code') ?? '');
  if (passed) {
    await deps.throttle?.succeed('totp', keys);
    return finish(deps, ctx, { login: { accountId: pending.accountId, ...levelOf(true), ts: epoch(deps) } });
  }
  await deps.throttle?.fail('totp', keys);
  const failures = pending.failures + 1;
  await savePending(deps, ctx, i, failures >= MAX_CODE_FAILURES ? undefined : { ...pending, failures });
  if (failures >= MAX_CODE_FAILURES) throw new FormError(400, 'Too many wrong codes. Go back to the app and sign in again.');
  html(ctx, page(WRONG_CODE));
}

/** POST consent: a grant for what the client asked. */
export async function consent(deps: StepDeps, ctx: Context, i: Interaction): Promise<void> {
  if (i.prompt.name !== 'consent' || !i.session?.accountId) throw new FormError(400, 'This sign-in step is already done.');
  const grantId = await deps.signIn.consent(i);
  return finish(deps, ctx, { consent: { grantId } }, true);
}

/** POST abort: the user said no (RFC 6749 §4.1.2.1 access_denied). */
export async function abort(deps: StepDeps, ctx: Context): Promise<void> {
  return finish(deps, ctx, { error: 'access_denied', error_description: 'the user denied the request' });
}
