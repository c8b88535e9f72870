/**
 * User notifications as a signed webhook: an HTTP POST to RISK_WEBHOOK_URL whose body
 * is a compact JWS (`application/jwt`, header `typ: risk-notification+jwt`) signed with
 * the issuer's current signing key. Receivers verify it against the issuer's /jwks
 * (docs/risk.md shows how); `jti` is the notification id, so repeats can be dropped.
 */
import { SignJWT } from 'jose';
import type { SigningKeyView } from '../../keys/index.js';
import { outboundPost, OutboundRefused, type OutboundPolicy } from '../../outbound/index.js';
import type { RiskNotification } from '../types.js';

export const NOTIFICATION_TYP = 'risk-notification+jwt';

/** Outcome of one attempt: permanent failures must not be retried. */
export type DeliveryResult = { ok: true } | { ok: false; permanent: boolean; error: string };

/** The signed body for a notification to `username` (the receiver relays it to that person). */
export function signNotification(n: RiskNotification, username: string, issuer: string, key: SigningKeyView, now: Date): Promise<string> {
  return new SignJWT({ type: n.type, username, occurred_at: n.at, details: n.details })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: NOTIFICATION_TYP })
    .setIssuer(issuer).setAudience('risk-webhook').setJti(n.id).setIssuedAt(Math.floor(now.getTime() / 1000))
    .sign(key.key);
}

/**
 * POSTs `body` with `contentType` under the outbound policy; 2xx delivered, a redirect
 * or 4xx (but 408/429) permanent, an endpoint the policy refuses permanent, else retry.
 */
export async function post(outbound: OutboundPolicy, url: string, body: string, contentType: string): Promise<DeliveryResult> {
  try {
    const res = await outboundPost(outbound, url, body, { 'content-type': contentType });
    if (res.status >= 200 && res.status < 300) return { ok: true };
    const permanent = res.status < 400 || (res.status < 500 && res.status !== 408 && res.status !== 429);
    return { ok: false, permanent, error: `status ${res.status}` };
  } catch (err) {
    const refused = err instanceof OutboundRefused || (err as Error)?.cause instanceof OutboundRefused;
    return { ok: false, permanent: refused, error: (err as Error).message };
  }
}
