/**
 * The two pages of setting up an authenticator app from the account page: the QR code
 * with a form for the first code (nothing is stored until that code is right), then
 * the recovery codes, shown once.
 */
import QRCode from 'qrcode';
import { escapeHtml, layout, type Brand } from '../interactions/index.js';

export interface TotpSetupView {
  /** the otpauth:// URI the QR code carries */
  uri: string;
  /** the same secret in base32, to type in instead */
  secret: string;
  /** the secret sealed for the confirmation form (pending-totp.ts) */
  pending: string;
  csrf: string;
  error?: string;
  brand?: Brand;
}

const SVG_DATA_URI = /^data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+$/;

/** The QR code as an SVG data: URI: rendered on the server, so the page needs no script (CSP `script-src` none). */
async function qrDataUri(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

function errorBlock(error: string | undefined): string {
  return error ? `<p id="form-error" class="error" role="alert">${escapeHtml(error)}</p>` : '';
}

/** The QR code to scan, the key to type instead, and the form for the first code from the app. */
export async function totpSetupPage(v: TotpSetupView): Promise<string> {
  const qr = await qrDataUri(v.uri);
  const described = v.error ? ' aria-describedby="form-error" aria-invalid="true"' : '';
  return layout('Set up your authenticator app', `<p>Scan this code with your authenticator app, or type the key below. Then enter the 6-digit code the app shows: the app is only set up once that code is right.</p>${errorBlock(v.error)}
<img src="${SVG_DATA_URI.test(qr) ? qr : ''}" width="220" height="220" alt="QR code for your authenticator app (the key is written below)">
<p>Key: <code>${escapeHtml(v.secret.match(/.{1,4}/g)!.join(' '))}</code></p>
<form method="post" action="/account/totp/confirm" novalidate>
<input type="hidden" name="csrf" value="${escapeHtml(v.csrf)}">
<input type="hidden" name="pending" value="${escapeHtml(v.pending)}">
<label for="code">6-digit code from the app</label>
<input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required autofocus${described}>
<button type="submit">Confirm</button>
</form>
<p><small>This page works for 10 minutes.</small> <a href="/account">Cancel</a></p>`, '', v.brand);
}

/** After the confirming code: the recovery codes, shown once. */
export function recoveryCodesPage(p: { codes: string[]; brand?: Brand }): string {
  return layout('Authenticator app set up', `<p role="status">Your authenticator app is set up. From now on you sign in with a code from it.</p>
<h2>Recovery codes</h2>
<p>Keep these somewhere safe. Each lets you sign in once without the app. They are not shown again.</p>
<ul class="codes">${p.codes.map((c) => `<li><code>${escapeHtml(c)}</code></li>`).join('')}</ul>
<p><a href="/account">Done: back to your account</a></p>`, '', p.brand);
}
