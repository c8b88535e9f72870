/** The forgotten-password pages: ask for a link, "check your e-mail", choose a new password, done. */
import { escapeHtml, layout, type Brand } from '../interactions/index.js';
import { MIN_PASSWORD_LENGTH } from '../users/index.js';

export const FORGOT_PATH = '/account/password/forgot';
export const RESET_PATH = '/account/password/reset';

const errorBlock = (error?: string) => (error ? `<p id="form-error" class="error" role="alert">${escapeHtml(error)}</p>` : '');
const described = (error?: string) => (error ? ' aria-describedby="form-error" aria-invalid="true"' : '');

/** Asks for the username (the e-mail address the link goes to). */
export function forgotPage(p: { csrf: string; error?: string; brand?: Brand }): string {
  return layout('Reset your password', `<p>Enter the e-mail address you sign in with. We will send you a link to choose a new password.</p>${errorBlock(p.error)}
<form method="post" action="${FORGOT_PATH}" novalidate>
<input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}">
<label for="username">E-mail address</label>
<input id="username" name="username" type="email" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus${described(p.error)}>
<button type="submit">Send the link</button>
</form>`, '', p.brand);
}

/** The same answer for every address, known or not. */
export function forgotSentPage(minutes: number, brand?: Brand): string {
  return layout('Check your e-mail', `<p role="status">If an account signs in with that address, we have sent it a link to choose a new password. The link works once, for ${minutes} minutes.</p>
<p>No message? Check your spam folder, or <a href="${FORGOT_PATH}">ask for another link</a>.</p>`, '', brand);
}

/** Choose a new password (the link's secret travels in a hidden field, never in a later URL). */
export function resetPage(p: { csrf: string; token: string; error?: string; brand?: Brand }): string {
  return layout('Choose a new password', `<p>Choose a password of at least ${MIN_PASSWORD_LENGTH} characters. Every device signed in to your account will be signed out.</p>${errorBlock(p.error)}
<form method="post" action="${RESET_PATH}" novalidate>
<input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}">
<input type="hidden" name="token" value="${escapeHtml(p.token)}">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required autofocus${described(p.error)}>
<label for="confirm">New password again</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required${described(p.error)}>
<button type="submit">Change password</button>
</form>`, '', p.brand);
}

export function resetDonePage(brand?: Brand): string {
  return layout('Password changed', `<p role="status">Your password was changed and every device was signed out. Go back to your app and sign in with the new password.</p>
<p><a href="/account">Your account</a></p>`, '', brand);
}

export function resetExpiredPage(brand?: Brand): string {
  return layout('This link cannot be used', `<p role="alert">This link has expired or was already used.</p><p><a href="${FORGOT_PATH}">Ask for a new link</a></p>`, '', brand);
}
