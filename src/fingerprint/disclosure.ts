/**
 * Transparency: the machine-readable disclosure (GET /.well-known/fingerprint-disclosure)
 * and the human page (GET /privacy) linked from the login page. Both are built from
 * the active component set and the configured retention, so they cannot drift from
 * what the server does; the page also lists everything else kept about a person, from
 * the data inventory (src/privacy/inventory.ts) its caller passes in.
 */
import type { ComponentSpec } from '@portcullis/sdk/fingerprint';

const PURPOSE = 'Check that an access token is used from the device it was issued to (theft and replay detection). Not used for advertising, analytics or tracking across sites.';

/** The JSON disclosure. */
export function disclosure(issuer: string, active: readonly ComponentSpec[], retentionSec: number): Record<string, unknown> {
  return {
    issuer,
    purpose: PURPOSE,
    collected_when: 'only on the sign-in page, and with token requests of apps that send it; never before the sign-in page',
    components: active.map((c) => ({ name: c.name, source: c.source, description: c.description, high_entropy: Boolean(c.highEntropy), stable: c.stable })),
    storage: 'each value is replaced on arrival by a keyed hash (HMAC-SHA256 under a per-deployment secret); raw values are never stored. In clear: browser family and major version, platform.',
    retention_seconds: retentionSec,
    opt_out: 'a person can turn device checks off for themselves on their account page (/account): nothing is collected or kept for them, and they get no refresh tokens instead; apps registered with fingerprint policy "off" collect nothing and bind tokens with DPoP instead; a signed-in user can download (GET) or erase (DELETE) their data at /me/data or with the buttons of /account',
    user_data_endpoint: `${issuer}/me/data`,
    privacy_page: `${issuer}/privacy`,
  };
}

const esc = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One line of the data inventory as people read it. */
export interface KeptRecord { what: string; purpose: string; howLong: string }

/** The human-readable page; `kept` is everything held about a person (the data inventory). */
export function privacyPage(issuer: string, active: readonly ComponentSpec[], retentionSec: number, kept: readonly KeptRecord[] = []): string {
  const days = Math.round(retentionSec / 86_400);
  const rows = active.map((c) => `<li><strong>${esc(c.name)}</strong>: ${esc(c.description)}${c.source === 'server' ? ' (seen by the server)' : ''}</li>`).join('');
  const records = kept.map((k) => `<li><strong>${esc(k.what)}</strong>. Why: ${esc(k.purpose)}. How long: ${esc(k.howLong)}.</li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Device information - Portcullis</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}</style></head><body><main>
<h1>What we learn about your device, and why</h1>
<p>${esc(PURPOSE)}</p>
<p>When you reach the sign-in page, your browser computes the characteristics below and sends them with the form. Nothing is collected before that page.</p>
<ul>${rows}</ul>
<p>Each value is replaced by a keyed hash as soon as it arrives; the original values are never stored. We keep the hashes, the browser name with its major version and the platform for ${days} day(s) after last use, then delete them.</p>
${records ? `<h2>Everything we keep about you</h2>
<p>Your username and user id appear in our records only where listed here. Security records name you by a keyed hash that only this service can link to you, and our logs name no one.</p>
<ul>${records}</ul>` : ''}
<p>Your choices: on <a href="/account">your account page</a> you can turn device checks off for yourself (nothing about your devices is then collected or kept; instead apps get no refresh tokens for you, so they send you back to sign in when their access ends, and apps that require device checks cannot be used), download everything we hold about you, and erase your account. Apps can do the same with your access token: <code>GET ${esc(issuer)}/me/data</code> and <code>DELETE ${esc(issuer)}/me/data</code>. Apps may also opt out of device checks entirely; they then bind your tokens to a key instead (DPoP).</p>
<p>Machine-readable version: <a href="/.well-known/fingerprint-disclosure">/.well-known/fingerprint-disclosure</a>.</p>
</main></body></html>`;
}
