/**
 * Security events Portcullis emits, by their `noun.verb` names, and the SET event
 * type URIs they map to (CAEP 1.0 and RISC 1.0 event types, OpenID SSF 1.0 subjects).
 * Other areas (users, permissions, risk) call `emit` with one of these inputs.
 */

export const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
export const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';

/** Event type URIs a receiver may request (SSF `events_supported`). */
export const EVENT_TYPES = {
  sessionRevoked: `${CAEP}session-revoked`,
  tokenClaimsChange: `${CAEP}token-claims-change`,
  credentialChange: `${CAEP}credential-change`,
  accountDisabled: `${RISC}account-disabled`,
  accountEnabled: `${RISC}account-enabled`,
} as const;

export const SUPPORTED_EVENT_TYPES: string[] = Object.values(EVENT_TYPES);

interface Base {
  /** when it happened (default: now) */
  occurredAt?: Date;
  /** who started it, CAEP `initiating_entity`: admin | user | policy | system */
  initiator?: 'admin' | 'user' | 'policy' | 'system';
  /** why, for logs and the receiver (CAEP `reason_admin`, English) */
  reason?: string;
}

/** One access token revoked (/revoke): sent only to receivers of its audience. */
export interface TokenRevoked extends Base { type: 'token.revoked'; jti: string; aud?: string; sub?: string }
/** One user session ended: every token issued through it is revoked. */
export interface SessionRevoked extends Base { type: 'session.revoked'; sid: string; sub?: string }
/** A subject's key generation was bumped: every token sealed before is revoked. */
export interface SubjectRevoked extends Base { type: 'subject.revoked'; sub?: string; handle?: string; generation: number }
/** A subject's claims (permissions, roles) changed; with `generation`, its older tokens are revoked. */
export interface ClaimsChanged extends Base { type: 'claims.changed'; sub: string; claims: Record<string, unknown>; generation?: number }
/** A credential of the subject changed (CAEP credential-change). */
export interface CredentialChanged extends Base {
  type: 'credential.changed'; sub: string; credentialType: string;
  changeType: 'create' | 'revoke' | 'update' | 'delete'; generation?: number;
}
/** The account was disabled (RISC account-disabled): all its tokens stop. */
export interface AccountDisabled extends Base { type: 'account.disabled'; sub: string }
/** The account was enabled again (RISC account-enabled). */
export interface AccountEnabled extends Base { type: 'account.enabled'; sub: string }

/** What callers pass to `emit`. */
export type SecurityEventInput =
  | TokenRevoked | SessionRevoked | SubjectRevoked | ClaimsChanged | CredentialChanged | AccountDisabled | AccountEnabled;

/** Every `noun.verb` event name (listed in docs/architecture.md). */
export const EVENT_NAMES: SecurityEventInput['type'][] = [
  'token.revoked', 'session.revoked', 'subject.revoked', 'claims.changed', 'credential.changed', 'account.disabled', 'account.enabled',
];

/** The SET event type URI of an event. */
export function eventTypeOf(event: SecurityEventInput): string {
  switch (event.type) {
    case 'token.revoked':
    case 'session.revoked':
    case 'subject.revoked': return EVENT_TYPES.sessionRevoked;
    case 'claims.changed': return EVENT_TYPES.tokenClaimsChange;
    case 'credential.changed': return EVENT_TYPES.credentialChange;
    case 'account.disabled': return EVENT_TYPES.accountDisabled;
    case 'account.enabled': return EVENT_TYPES.accountEnabled;
  }
}

/** Extension member carrying the subject key generation a SET revokes below. */
export const GENERATION_CLAIM = 'portcullis_generation';
