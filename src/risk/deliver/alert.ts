/**
 * Security-team alerts: a high-risk decision as a Security Event Token (RFC 8417)
 * signed by the issuer (events/sign-set.ts), pushed to RISK_ALERT_URL the RFC 8935 way
 * (`application/secevent+jwt`, 202 expected).
 */
import { signSet } from '../../events/index.js';
import type { SigningKeyView } from '../../keys/index.js';
import type { RiskAlert } from '../types.js';
import { post, type DeliveryResult } from './webhook.js';

/** The SET event type of a risk decision. */
export const RISK_DECISION_EVENT = 'urn:portcullis:event:risk-decision';

/** Signs and pushes one alert. */
export async function pushAlert(url: string, issuer: string, key: SigningKeyView, a: RiskAlert, now: Date): Promise<DeliveryResult> {
  const subId = a.subject ? { format: 'opaque', id: a.subject } : { format: 'opaque', id: `client:${a.clientId}` };
  const payload = {
    iss: issuer, aud: new URL(url).origin, sub_id: subId,
    events: { [RISK_DECISION_EVENT]: { decision: a.decision, score: a.score, signals: a.signals, client_id: a.clientId, event_timestamp: Math.floor(Date.parse(a.at) / 1000) } },
  };
  return post(url, await signSet(payload, a.id, key, now), 'application/secevent+jwt');
}
