/**
 * The account page: who is signed in, password, second factor, signed-in browsers, and
 * the person's data. Every action is a plain form (POST, CSRF token) that works
 * without JavaScript; each section has its own heading, every input a label, and the
 * outcome of the last action is announced (role="status", or role="alert" for errors).
 */
import { escapeHtml, layout, type Brand } from '../interactions/index.js';
import { MIN_PASSWORD_LENGTH } from '../users/index.js';
import type { SessionDeviceView } from './devices.js';

export interface AccountView {
  username: string;
  csrf: (purpose: string) => string;
  totp: boolean;
  recoveryLeft: number;
  /** the person turned device fingerprinting off */
  fingerprintOff: boolean;
  devices: (SessionDeviceView & { current: boolean })[];
  notice?: { text: string; error?: boolean };
  brand?: Brand;
}

const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const hidden = (csrf: string) => `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;

function notice(n: AccountView['notice']): string {
  if (!n) return '';
  return n.error ? `<p id="form-error" class="error" role="alert">${escapeHtml(n.text)}</p>` : `<p role="status" class="notice">${escapeHtml(n.text)}</p>`;
}

function passwordSection(v: AccountView): string {
  return `<section aria-labelledby="password-h"><h2 id="password-h">Password</h2>
<form method="post" action="/account/password" novalidate>${hidden(v.csrf('password'))}
<label for="current">Current password</label>
<input id="current" name="current" type="password" autocomplete="current-password" required>
<label for="password">New password (at least ${MIN_PASSWORD_LENGTH} characters)</label>
<input id="password" name="password" type="password" autocomplete="new-password" required>
<label for="confirm">New password again</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit">Change password</button>
<p><small>Every other browser and app signed in to your account is signed out, and you get an e-mail.</small></p>
</form></section>`;
}

function totpSection(v: AccountView): string {
  if (!v.totp) {
    return `<section aria-labelledby="totp-h"><h2 id="totp-h">Second factor</h2>
<p>Not set up. With an authenticator app, a stolen password alone is not enough to sign in.</p>
<form method="post" action="/account/totp/enrol">${hidden(v.csrf('totp-enrol'))}<button type="submit">Set up an authenticator app</button></form></section>`;
  }
  return `<section aria-labelledby="totp-h"><h2 id="totp-h">Second factor</h2>
<p>An authenticator app is set up. Recovery codes left: <strong>${v.recoveryLeft}</strong>.</p>
<form method="post" action="/account/totp/remove">${hidden(v.csrf('totp-remove'))}<button type="submit" class="secondary">Remove the authenticator app</button>
<p><small>You will be asked to sign in again with a code first.</small></p></form></section>`;
}

function devicesSection(v: AccountView): string {
  const rows = v.devices.map((d) => `<li>${escapeHtml(d.browser)}${d.country ? `, ${escapeHtml(d.country)}` : ''}, last used ${escapeHtml(when(d.lastUsedAt))}${d.current ? ' <strong>(this browser)</strong>' : `
<form method="post" action="/account/sessions/end" class="inline">${hidden(v.csrf('session-end'))}<input type="hidden" name="session" value="${escapeHtml(d.uid)}"><button type="submit" class="secondary" aria-label="Sign out ${escapeHtml(d.browser)}, last used ${escapeHtml(when(d.lastUsedAt))}">Sign out</button></form>`}</li>`).join('\n');
  return `<section aria-labelledby="devices-h"><h2 id="devices-h">Where you are signed in</h2>
${v.devices.length ? `<ul class="devices">${rows}</ul>` : '<p>No other browsers.</p>'}
<p><small>The place is the country of the network only; addresses are not kept.</small></p></section>`;
}

/** What turning fingerprinting off means, and what replaces it (docs/fingerprint.md "Opting out"). */
export const FINGERPRINT_OFF_TERMS = 'Apps get no long-lived access for you instead: no refresh tokens, so when an app\'s access ends (within minutes) it sends you back here to sign in, with your second factor if you have one. Apps that require device checks cannot be used. Your other browsers and apps are signed out now.';

function fingerprintSection(v: AccountView): string {
  const state = v.fingerprintOff
    ? '<p>Device checks are <strong>off</strong> for you: nothing about your devices is collected or kept. Apps get no long-lived access for you (no refresh tokens).</p>'
    : `<p>Device checks are <strong>on</strong>: when you sign in, a few characteristics of your browser are checked and kept as keyed hashes, so a stolen token does not work on another device. <a href="/privacy">What we collect and why</a>.</p>
<p>If you turn them off: ${escapeHtml(FINGERPRINT_OFF_TERMS)}</p>`;
  return `<section aria-labelledby="fp-h"><h2 id="fp-h">Device checks</h2>${state}
<form method="post" action="/account/privacy/fingerprint">${hidden(v.csrf('fingerprint'))}<input type="hidden" name="checks" value="${v.fingerprintOff ? 'on' : 'off'}">
<button type="submit" class="secondary">${v.fingerprintOff ? 'Turn device checks on' : 'Turn device checks off'}</button></form></section>`;
}

function dataSection(v: AccountView): string {
  return `<section aria-labelledby="data-h"><h2 id="data-h">Your data</h2>
<p><a href="/privacy">What we keep and why</a>.</p>
<form method="post" action="/account/data">${hidden(v.csrf('data'))}<button type="submit" class="secondary">Download my data</button></form>
<form method="post" action="/account/erase">${hidden(v.csrf('erase'))}<button type="submit" class="secondary">Erase my account…</button></form></section>`;
}

export function accountPage(v: AccountView): string {
  return layout('Your account', `<p>Signed in as <strong>${escapeHtml(v.username)}</strong>. <a href="/session/end">Sign out</a></p>${notice(v.notice)}
${passwordSection(v)}
${totpSection(v)}
${devicesSection(v)}
${fingerprintSection(v)}
${dataSection(v)}`, '', v.brand);
}

/** After enrolment: the QR code to scan (an SVG image, a data: URI), the secret to type instead, and the recovery codes, shown once. */
export function enrolledPage(p: { qrDataUri: string; secret: string; codes: string[]; brand?: Brand }): string {
  return layout('Set up your authenticator app', `<p role="status">Scan this code with your authenticator app, or type the key below.</p>
<img src="${/^data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+$/.test(p.qrDataUri) ? p.qrDataUri : ''}" width="220" height="220" alt="QR code for your authenticator app (the key is written below)">
<p>Key: <code>${escapeHtml(p.secret.match(/.{1,4}/g)!.join(' '))}</code></p>
<h2>Recovery codes</h2>
<p>Keep these somewhere safe. Each lets you sign in once without the app. They are not shown again.</p>
<ul class="codes">${p.codes.map((c) => `<li><code>${escapeHtml(c)}</code></li>`).join('')}</ul>
<p><a href="/account">Done: back to your account</a></p>`, '', p.brand);
}

/** Erasing is final: ask once more. */
export function eraseConfirmPage(csrf: string, brand?: Brand): string {
  return layout('Erase your account?', `<p role="alert">This deletes your account and everything kept about you, signs you out everywhere, and cannot be undone.</p>
<form method="post" action="/account/erase">${hidden(csrf)}<input type="hidden" name="confirm" value="yes">
<button type="submit" class="danger">Erase my account</button></form>
<p><a href="/account">Keep my account</a></p>`, '', brand);
}

export function erasedPage(brand?: Brand): string {
  return layout('Account erased', '<p role="status">Your account and everything kept about you were erased. You have been signed out everywhere.</p>', '', brand);
}

export function signedOutAccountPage(brand?: Brand): string {
  return layout('Your account', '<p>You are not signed in.</p><p><a href="/account?signin=start">Sign in to your account</a></p>', '', brand);
}
