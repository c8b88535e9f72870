/**
 * Server-rendered pages. Every step is a plain form that works without JavaScript; the login page alone loads the device collector (/fingerprint.js) when the client binds tokens to a fingerprint. Each page has a
 * language, a title, a main landmark and one heading; every input has a label; the
 * first field (or the error) takes focus; errors are announced (role="alert") and
 * tied to their fields with aria-describedby.
 */
/** Product name, logo and accent colour of every page (BRAND_* settings, validated at start-up). */
export interface Brand { name: string; logoUrl?: string; accent: string }
export const DEFAULT_BRAND: Brand = Object.freeze({ name: 'Portcullis', accent: '#1a1a1a' });

function style(accent: string): string {
  return 'body{font:16px/1.5 system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}'
    + 'label{display:block;margin-top:1rem;font-weight:600}input{font:inherit;width:100%;padding:.5rem;box-sizing:border-box;border:1px solid #555;border-radius:4px}'
    + `button{font:inherit;margin-top:1.25rem;margin-right:.5rem;padding:.5rem 1.25rem;border-radius:4px;border:1px solid ${accent};background:${accent};color:#fff}`
    + `button.secondary{background:#fff;color:${accent}}:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}`
    + '.error{color:#a30000;border-left:4px solid #a30000;padding-left:.5rem}'
    + `.brand{display:flex;align-items:center;gap:.5rem;font-weight:600;margin-bottom:1rem}.choices button{min-width:7rem}a{color:${accent}}ul.devices li{margin-bottom:.75rem}form.inline{display:inline}form.inline button{margin:0 0 0 .5rem;padding:.2rem .75rem}`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A whole page: language, title, the brand's header, one main landmark with one heading. */
export function layout(title: string, body: string, head = '', brand: Brand = DEFAULT_BRAND): string {
  const logo = brand.logoUrl ? `<img src="${escapeHtml(brand.logoUrl)}" alt="" height="32">` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
    + `<title>${escapeHtml(title)} - ${escapeHtml(brand.name)}</title><style>${style(brand.accent)}</style>${head}</head>`
    + `<body><header class="brand">${logo}<span>${escapeHtml(brand.name)}</span></header><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
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
export function loginPage(p: { action: string; csrf: string; client: string; error?: string; username?: string; fingerprint?: boolean; brand?: Brand }): string {
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
</form>
<p><a href="/account/password/forgot">Forgot your password?</a></p>${notice}`, p.fingerprint ? '<script src="/fingerprint.js" defer></script>' : '', p.brand);
}

/** The TOTP second factor. */
export function totpPage(p: { action: string; csrf: string; error?: string; brand?: Brand }): string {
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
</form>`, '', p.brand);
}

/** How the consent screen names a client and a resource server (registered with each). */
export interface ConsentClient { name: string; logoUri?: string; policyUri?: string; tosUri?: string }
export interface ConsentGroup { name: string; items: string[] }

/**
 * What the client asks for, in words a person reads: the client's name (and logo,
 * privacy policy and terms when registered), each resource server by name with a
 * sentence per scope, who is signed in with a way to switch, and Allow and Deny as
 * equal buttons, neither focused first.
 */
export function consentPage(p: { action: string; abort: string; csrf: string; client: ConsentClient; groups: ConsentGroup[]; username?: string; switchUser?: string; brand?: Brand }): string {
  const logo = p.client.logoUri ? `<img src="${escapeHtml(p.client.logoUri)}" alt="" width="48" height="48" class="logo">` : '';
  const groups = p.groups.length
    ? p.groups.map((g) => `<h2>${escapeHtml(g.name)}</h2><ul>${g.items.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`).join('\n')
    : '<p>No specific permissions.</p>';
  const links = [p.client.policyUri && `<a href="${escapeHtml(p.client.policyUri)}">privacy policy</a>`, p.client.tosUri && `<a href="${escapeHtml(p.client.tosUri)}">terms</a>`].filter(Boolean);
  const who = p.username ? `<p>Signed in as <strong>${escapeHtml(p.username)}</strong>.${p.switchUser ? ` <a href="${escapeHtml(p.switchUser)}">Not you?</a>` : ''}</p>` : '';
  return layout('Allow access?', `${logo}<p><strong>${escapeHtml(p.client.name)}</strong> asks to:</p>${groups}
${who}${links.length ? `<p><small>Read ${escapeHtml(p.client.name)}'s ${links.join(' and ')}.</small></p>` : ''}
<form method="post" action="${escapeHtml(p.action)}"><input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}">
<div class="choices"><button type="submit">Allow</button>
<button type="submit" formaction="${escapeHtml(p.abort)}">Deny</button></div>
</form>`, '', p.brand);
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
export function lockoutPage(p: { retry: string; retryAfter: number; reset: string; brand?: Brand }): string {
  return layout('Too many attempts', `<p role="alert">Too many attempts. ${escapeHtml(waitFor(p.retryAfter))}</p>
<p>Forgot your password? <a href="${escapeHtml(p.reset)}">Reset it by e-mail</a> instead of waiting.</p>
<p><a href="${escapeHtml(p.retry)}">Back to sign in</a></p>`, '', p.brand);
}

/** An error the user can read; never internals. */
export function errorPage(title: string, message: string, brand?: Brand): string {
  return layout(title, `<p role="alert">${escapeHtml(message)}</p>`, '', brand);
}

/** oidc-provider's logout confirmation form (it carries its own xsrf field), with our buttons. */
export function logoutPage(form: string, brand: Brand = DEFAULT_BRAND): string {
  return layout('Sign out', `<p>Do you want to sign out of ${escapeHtml(brand.name)}? Every app you signed in to here loses its access.</p>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Sign out of this app only</button>`, '', brand);
}

/** After logout without a post_logout_redirect_uri. */
export function signedOutPage(brand?: Brand): string {
  return layout('Signed out', '<p>You have been signed out. You can close this window.</p>', '', brand);
}
