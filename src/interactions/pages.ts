/**
 * Server-rendered pages. Every step is a plain form that works without JavaScript; the login page alone loads the device collector (/fingerprint.js) when the client binds tokens to a fingerprint. Each page has a
 * language, a title, a main landmark and one heading; every input has a label; the
 * first field (or the error) takes focus; errors are announced (role="alert") and
 * tied to their fields with aria-describedby.
 */
const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}'
  + 'label{display:block;margin-top:1rem;font-weight:600}input{font:inherit;width:100%;padding:.5rem;box-sizing:border-box;border:1px solid #555;border-radius:4px}'
  + 'button{font:inherit;margin-top:1.25rem;margin-right:.5rem;padding:.5rem 1.25rem;border-radius:4px;border:1px solid #1a1a1a;background:#1a1a1a;color:#fff}'
  + 'button.secondary{background:#fff;color:#1a1a1a}:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}'
  + '.error{color:#a30000;border-left:4px solid #a30000;padding-left:.5rem}';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A whole page: language, title, one main landmark with one heading. */
export function layout(title: string, body: string, head = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
    + `<title>${escapeHtml(title)} - Portcullis</title><style>${STYLE}</style>${head}</head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function errorBlock(error: string | undefined): string {
  return error ? `<p id="form-error" class="error" role="alert">${escapeHtml(error)}</p>` : '';
}

const described = (error: string | undefined) => (error ? ' aria-describedby="form-error" aria-invalid="true"' : '');

/**
 * Username and password. With `fingerprint`, the page loads the device collector
 * (/fingerprint.js, the only script any page loads) which fills the hidden field, and
 * links the privacy page.
 */
export function loginPage(p: { action: string; csrf: string; client: string; error?: string; username?: string; fingerprint?: boolean }): string {
  const device = p.fingerprint
    ? '<input type="hidden" name="fingerprint" value="">\n'
    : '';
  const notice = p.fingerprint ? '<p><small>Signing in checks a few characteristics of this device to protect your account. <a href="/privacy">What we collect and why</a>.</small></p>' : '';
  return layout('Sign in', `<p>to continue to <strong>${escapeHtml(p.client)}</strong></p>${errorBlock(p.error)}
<form method="post" action="${escapeHtml(p.action)}" novalidate>
<input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}">
${device}
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="${escapeHtml(p.username)}"${described(p.error)}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described(p.error)}>
<button type="submit">Sign in</button>
</form>${notice}`, p.fingerprint ? '<script src="/fingerprint.js" defer></script>' : '');
}

/** The TOTP second factor. */
export function totpPage(p: { action: string; csrf: string; error?: string }): string {
  return layout('Enter your one-time code', `<p>Open your authenticator app and enter the 6-digit code it shows for this account.</p>${errorBlock(p.error)}
<form method="post" action="${escapeHtml(p.action)}" novalidate>
<input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}">
<label for="code">One-time code</label>
<input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required autofocus${described(p.error)}>
<details><summary>Lost your authenticator app?</summary>
<label for="recovery">Recovery code</label>
<input id="recovery" name="recovery" autocomplete="off" autocapitalize="none" spellcheck="false" maxlength="24" aria-describedby="recovery-help">
<p id="recovery-help"><small>One of the codes you saved when you set up the app, such as abcd-efgh-ijkl-mnop. Each works once.</small></p>
</details>
<button type="submit">Verify</button>
</form>`);
}

/** What the client asks for, with allow and deny. */
export function consentPage(p: { action: string; abort: string; csrf: string; client: string; scopes: string[] }): string {
  const items = p.scopes.length ? `<ul>${p.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>` : '<p>No specific permissions.</p>';
  return layout('Allow access?', `<p><strong>${escapeHtml(p.client)}</strong> asks for:</p>${items}
<form method="post" action="${escapeHtml(p.action)}"><input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}">
<button type="submit" autofocus>Allow</button>
<button type="submit" class="secondary" formaction="${escapeHtml(p.abort)}">Deny</button>
</form>`);
}

/** How long to wait, in words a person reads ("about 2 minutes"); "later" when unknown. */
export function waitFor(seconds: number): string {
  if (!(seconds > 0)) return 'Try again later.';
  if (seconds < 60) return `Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `Try again in about ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  return `Try again in about ${Math.ceil(minutes / 60)} hours.`;
}

/**
 * A lockout at the login form: how long to wait, and the password reset instead of
 * waiting. The same page for every username, known or not (no enumeration).
 */
export function lockoutPage(p: { retry: string; retryAfter: number; reset: string }): string {
  return layout('Too many attempts', `<p role="alert">Too many attempts. ${escapeHtml(waitFor(p.retryAfter))}</p>
<p>Forgot your password? <a href="${escapeHtml(p.reset)}">Reset it by e-mail</a> instead of waiting.</p>
<p><a href="${escapeHtml(p.retry)}">Back to sign in</a></p>`);
}

/** An error the user can read; never internals. */
export function errorPage(title: string, message: string): string {
  return layout(title, `<p role="alert">${escapeHtml(message)}</p>`);
}

/** oidc-provider's logout confirmation form (it carries its own xsrf field), with our buttons. */
export function logoutPage(form: string): string {
  return layout('Sign out', `<p>Do you want to sign out of Portcullis? Every app you signed in to here loses its access.</p>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Sign out of this app only</button>`);
}

/** After logout without a post_logout_redirect_uri. */
export function signedOutPage(): string {
  return layout('Signed out', '<p>You have been signed out. You can close this window.</p>');
}
