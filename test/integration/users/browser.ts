/**
 * A scripted browser for the code flow: a cookie jar, redirects followed by hand,
 * and the login, TOTP and consent forms filled in the way a person would. The
 * client side (PKCE, the authorization URL, the code exchange, ID token checks) is
 * openid-client's.
 */
import * as client from 'openid-client';

export interface Page { status: number; url: string; html: string; location?: string }

/** A minimal browser: cookies by name, manual redirects. */
export class Browser {
  readonly cookies = new Map<string, string>();

  /** `headers` go with every request (e.g. X-Forwarded-For, to appear from another address behind a trusted proxy). */
  constructor(private readonly headers: Record<string, string> = {}) {}

  async request(url: string, init: RequestInit = {}): Promise<Page> {
    const headers = new Headers({ ...this.headers, ...Object.fromEntries(new Headers(init.headers)) });
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) this.store(line);
    const location = res.headers.get('location') ?? undefined;
    return { status: res.status, url, html: await res.text(), location: location ? new URL(location, url).href : undefined };
  }

  private store(line: string): void {
    const [pair] = line.split(';');
    const i = pair.indexOf('=');
    const name = pair.slice(0, i).trim();
    const value = pair.slice(i + 1).trim();
    if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  /** GETs and follows redirects until a page, or a URL starting with `stopAt`. */
  async follow(url: string, stopAt: string): Promise<Page> {
    let page = await this.request(url);
    for (let hops = 0; page.location && !page.location.startsWith(stopAt) && hops < 10; hops++) page = await this.request(page.location);
    return page;
  }

  /** Submits the page's form (or the form whose action ends with `step`), following redirects. */
  async submit(page: Page, fields: Record<string, string>, stopAt: string, step?: string): Promise<Page> {
    const action = formAction(page.html, step);
    const body = new URLSearchParams({ csrf: hidden(page.html, 'csrf') ?? '', ...fields });
    const next = await this.request(new URL(action, page.url).href, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    return next.location && !next.location.startsWith(stopAt) ? this.follow(next.location, stopAt) : next;
  }
}

export function formAction(html: string, step?: string): string {
  if (step) {
    const m = new RegExp(`(?:action|formaction)="([^"]*/${step})"`).exec(html);
    if (m) return m[1].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
  }
  const m = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no form in page: ${html.slice(0, 300)}`);
  return m[1].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
}

export function hidden(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
}

export interface SignIn {
  config: client.Configuration;
  redirectUri: string;
  username: string;
  password: string;
  /** called when the TOTP page appears */
  code?: () => string;
  params?: Record<string, string>;
  browser?: Browser;
  consent?: boolean;
  /** the login form's device fingerprint field, as the collector would fill it */
  fingerprint?: string;
}

export interface SignInResult { browser: Browser; callback?: URL; verifier: string; state: string; pages: Page[] }

/** Runs /authorize through the pages up to the redirect back to the client. */
export async function signIn(s: SignIn): Promise<SignInResult> {
  const browser = s.browser ?? new Browser();
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(s.config, {
    redirect_uri: s.redirectUri, scope: 'openid offline_access read', prompt: 'consent', state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...s.params,
  });
  const pages: Page[] = [];
  let page = await browser.follow(url.href, s.redirectUri);
  for (let steps = 0; steps < 5 && !page.location?.startsWith(s.redirectUri); steps++) {
    pages.push(page);
    if (page.html.includes('name="password"')) page = await browser.submit(page, { username: s.username, password: s.password, ...(s.fingerprint !== undefined ? { fingerprint: s.fingerprint } : {}) }, s.redirectUri);
    else if (page.html.includes('name="code"') && s.code) page = await browser.submit(page, { code: s.code() }, s.redirectUri);
    else if (page.html.includes('/consent"') && s.consent !== false) page = await browser.submit(page, {}, s.redirectUri, 'consent');
    else break;
  }
  if (page.location?.startsWith(s.redirectUri)) return { browser, callback: new URL(page.location), verifier, state, pages };
  pages.push(page);
  return { browser, verifier, state, pages };
}

/** signIn, then the code exchange. */
export async function tokensFor(s: SignIn, checks: { maxAge?: number } = {}) {
  const r = await signIn(s);
  if (!r.callback) throw new Error(`sign-in did not complete: ${r.pages.at(-1)?.status} ${r.pages.at(-1)?.html.slice(0, 500)}`);
  const tokens = await client.authorizationCodeGrant(s.config, r.callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, ...checks });
  return { ...r, tokens };
}
