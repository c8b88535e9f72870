/**
 * Security-team alerts: a high-risk decision as a Security Event Token (RFC 8417)
 * signed by the issuer (events/sign-set.ts), pushed to RISK_ALERT_URL the RFC 8935 way
 * (`application/secevent+jwt`, 202 expected).
 */
import { signSet } from '../../events/index.js';
import type { SigningKeyView } from '../../keys/index.js';
import type { OutboundPolicy } from '../../outbound/index.js';
import type { RiskAlert } from '../types.js';
import { post, type DeliveryResult } from './webhook.js';

/** The SET event type of a risk decision. */
export const RISK_DECISION_EVENT = 'urn:portcullis:event:risk-decision';

/**
 * The alert's subject (RFC 9493 `opaque`): a person by their pseudonymous subject key,
 * which only the issuer can link to them (`events list --subject` computes it from a
 * name); a client by its id.
 */
function subjectOf(a: RiskAlert): { format: 'opaque'; id: string } {
  if (a.subjectKey) return { format: 'opaque', id: a.subjectKey };
  // an alert queued by an earlier release named the person in `subject`: never send that on
  const legacy = (a as { subject?: unknown }).subject !== undefined;
  return { format: 'opaque', id: !legacy && a.clientId ? `client:${a.clientId}` : 'unknown' };
}

/** Signs and pushes one alert. */
export async function pushAlert(outbound: OutboundPolicy, url: string, issuer: string, key: SigningKeyView, a: RiskAlert, now: Date): Promise<DeliveryResult> {
  const subId = subjectOf(a);
  const payload = {
    iss: issuer, aud: new URL(url).origin, sub_id: subId,
    events: { [RISK_DECISION_EVENT]: { decision: a.decision, score: a.score, signals: a.signals, client_id: a.clientId, event_timestamp: Math.floor(Date.parse(a.at) / 1000) } },
  };
  return post(outbound, url, await signSet(payload, a.id, key, now), 'application/secevent+jwt');
}
