/** Delivery of user notifications (webhook, email) and security-team alerts (SET). */
import type { RiskConfig } from '../../config/index.js';
import type { SigningKeyView } from '../../keys/index.js';
import type { OutboundPolicy } from '../../outbound/index.js';
import type { RiskAlert, RiskNotification } from '../types.js';
import { pushAlert } from './alert.js';
import { mailable, sendEmail } from './email.js';
import { post, signNotification, type DeliveryResult } from './webhook.js';

export { NOTIFICATION_TYP } from './webhook.js';
export { mailable } from './email.js';
export { RISK_DECISION_EVENT } from './alert.js';
export type { DeliveryResult } from './webhook.js';

export interface DeliveryDeps {
  config: RiskConfig; outbound: OutboundPolicy; issuer: string; signingKey(): SigningKeyView; now?: () => Date;
  /** user id -> username, read at delivery (undefined once the user is gone) */
  usernameOf(userId: string): Promise<string | undefined>;
}

/**
 * Every configured channel for one notification; the worst result wins (a retry re-sends
 * all, receivers dedupe on jti/Reference). The username is read now: a user erased since
 * the notification was queued is not notified (there is nobody left to tell).
 */
export async function deliverNotification(deps: DeliveryDeps, n: RiskNotification): Promise<DeliveryResult> {
  const now = deps.now?.() ?? new Date();
  const username = typeof n.userId === 'string' ? await deps.usernameOf(n.userId) : undefined;
  if (username === undefined) return { ok: true };
  const results: DeliveryResult[] = [];
  if (deps.config.webhookUrl) results.push(await post(deps.outbound, deps.config.webhookUrl, await signNotification(n, username, deps.issuer, deps.signingKey(), now), 'application/jwt'));
  if (deps.config.smtpUrl && mailable(username)) results.push(await sendEmail(deps.config.smtpUrl, deps.config.emailFrom, n, username, deps.outbound.timeoutMs));
  return results.find((r) => !r.ok && !r.permanent) ?? results.find((r) => !r.ok) ?? { ok: true };
}

/** Pushes one alert to RISK_ALERT_URL (when set). */
export async function deliverAlert(deps: DeliveryDeps, a: RiskAlert): Promise<DeliveryResult> {
  if (!deps.config.alertUrl) return { ok: true };
  return pushAlert(deps.outbound, deps.config.alertUrl, deps.issuer, deps.signingKey(), a, deps.now?.() ?? new Date());
}
