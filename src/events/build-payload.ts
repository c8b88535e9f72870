/**
 * The SET claims of one event for one receiver (RFC 8417 §2.2; OpenID SSF 1.0 §4 for
 * `sub_id`): everything but `iat`, which is set when the SET is signed for delivery.
 */
import type { Receiver } from './receivers.js';
import { eventTypeOf, GENERATION_CLAIM, type SecurityEventInput } from './types.js';

/** A resolved event: the input plus the subject's pseudonymous handle. */
export type ResolvedEvent = SecurityEventInput & { handle?: string; occurredAt: Date };

export interface SetPayload {
  iss: string;
  aud: string;
  sub_id: Record<string, unknown>;
  events: Record<string, Record<string, unknown>>;
}

/** Whether a receiver gets this event at all. */
export function wants(receiver: Receiver, event: ResolvedEvent): boolean {
  if (!receiver.events.includes(eventTypeOf(event))) return false;
  // A revoked token concerns only the resource server it was addressed to.
  return event.type !== 'token.revoked' || !event.aud || event.aud === receiver.audience;
}

/** The idempotency key: emitting the same fact twice stores one event per receiver. */
export function eventKey(event: ResolvedEvent): string {
  const at = event.occurredAt.getTime();
  switch (event.type) {
    case 'token.revoked': return `token.revoked:${event.jti}`;
    case 'session.revoked': return `session.revoked:${event.sid}`;
    case 'subject.revoked': return `subject.revoked:${event.handle}:${event.generation}`;
    case 'claims.changed': return `claims.changed:${event.handle}:${event.generation ?? `t${at}`}`;
    case 'credential.changed': return `credential.changed:${event.handle}:${event.credentialType}:${event.changeType}:${event.generation ?? `t${at}`}`;
    default: return `${event.type}:${event.handle}:${at}`;
  }
}

/** Claims of the SET for `receiver`. */
export function buildPayload(issuer: string, receiver: Receiver, event: ResolvedEvent): SetPayload {
  return {
    iss: issuer,
    aud: receiver.audience,
    sub_id: subjectOf(issuer, receiver, event),
    events: { [eventTypeOf(event)]: { ...common(event), ...specific(event) } },
  };
}

function common(event: ResolvedEvent): Record<string, unknown> {
  return {
    event_timestamp: Math.floor(event.occurredAt.getTime() / 1000),
    ...(event.initiator ? { initiating_entity: event.initiator } : {}),
    ...(event.reason ? { reason_admin: { en: event.reason } } : {}),
  };
}

function specific(event: ResolvedEvent): Record<string, unknown> {
  const generation = 'generation' in event && event.generation !== undefined ? { [GENERATION_CLAIM]: event.generation } : {};
  switch (event.type) {
    case 'claims.changed': return { claims: event.claims, ...generation };
    case 'credential.changed': return { credential_type: event.credentialType, change_type: event.changeType, ...generation };
    default: return generation;
  }
}

// SSF 1.0 §3: `jwt_id` names one token; `complex` carries a session; a user is
// `iss_sub` where the receiver may see subjects, else `opaque` with the pseudonymous
// handle that the token's key derivation uses (the `sh` of its inner header).
function subjectOf(issuer: string, receiver: Receiver, event: ResolvedEvent): Record<string, unknown> {
  if (event.type === 'token.revoked') return { format: 'jwt_id', iss: issuer, jti: event.jti };
  const user = userOf(issuer, receiver, event);
  if (event.type === 'session.revoked') return { format: 'complex', session: { format: 'opaque', id: event.sid }, ...(user ? { user } : {}) };
  if (!user) throw new TypeError(`${event.type} needs a subject`);
  return user;
}

function userOf(issuer: string, receiver: Receiver, event: ResolvedEvent): Record<string, unknown> | undefined {
  const sub = 'sub' in event ? event.sub : undefined;
  if (sub && receiver.subjectFormat === 'iss_sub') return { format: 'iss_sub', iss: issuer, sub };
  return event.handle ? { format: 'opaque', id: event.handle } : undefined;
}
