/**
 * The Content-Security-Policy of the sign-in pages. `form-action` names the pages' own
 * origin and the requesting client's redirect URI and nothing else: Chromium applies
 * `form-action` (CSP Level 3) again to every redirect that follows a form submission,
 * so a page limited to 'self' blocks the last
 * redirect of a sign-in, the one to the client's redirect_uri (RFC 6749 §3.1.2), and
 * the person stays on the form. The redirect URI is the one oidc-provider validated
 * against the client's registration before the interaction existed.
 */

import type { Context } from 'koa';

/** The policy of one page: whether it loads our script, and where its forms may end. */
export function contentSecurityPolicy(opts: { script?: boolean; formTargets?: readonly string[] } = {}): string {
  const targets = ["'self'", ...(opts.formTargets ?? [])].join(' ');
  return [
    "default-src 'none'",
    ...(opts.script ? ["script-src 'self'"] : []),
    // the brand's logo and a client's registered logo (https), the account page's QR code (data:)
    "img-src data: https:",
    "style-src 'unsafe-inline'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    `form-action ${targets}`,
  ].join('; ');
}

/**
 * A redirect URI as a CSP source expression (CSP Level 3 §2.3.1): scheme, host, port and
 * path, without query or fragment (which source expressions cannot carry). Characters
 * that would end or split a directive are percent-encoded; a URI that is not http(s) (a
 * native app's private-use scheme, RFC 8252 §7.1) becomes its scheme. Undefined when the
 * value is not a URL at all.
 */
export function formTarget(redirectUri: unknown): string | undefined {
  if (typeof redirectUri !== 'string') return undefined;
  let url: URL;
  try { url = new URL(redirectUri); } catch { return undefined; }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return /^[a-z][a-z0-9+.-]*:$/i.test(url.protocol) ? url.protocol : undefined;
  const path = url.pathname.replace(/[;,\s'"]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `${url.origin}${path}`;
}

/** Sets the page's policy, with the form target of the interaction being served (kept in ctx.state). */
export function setPagePolicy(ctx: Context, opts: { script?: boolean; redirectUri?: unknown } = {}): void {
  const state = ctx.state as { formTarget?: string };
  if (opts.redirectUri !== undefined) state.formTarget = formTarget(opts.redirectUri);
  const formTargets = state.formTarget ? [state.formTarget] : [];
  ctx.set('Content-Security-Policy', contentSecurityPolicy({ script: opts.script, formTargets }));
}
