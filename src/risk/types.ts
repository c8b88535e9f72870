import type { RiskSignalName } from '../config/index.js';

export type { RiskSignalName };

/** One thing a signal module noticed. */
export interface Signal { name: RiskSignalName; details: Record<string, unknown> }

/** Responses in increasing strength (docs/risk.md "Policy"). */
export type Decision = 'allow' | 'allow_and_record' | 'step_up' | 'lockout' | 'revoke_session';

/** What fingerprinting reports for each fingerprint comparison. */
export interface FingerprintObservation {
  /** the user id (token `sub`) */
  subject: string;
  session?: string;
  clientId?: string;
  outcome: 'match' | 'drift' | 'mismatch';
  /** similarity score of the comparison (0..1) */
  score: number;
  ip?: string;
  /** epoch milliseconds */
  at: number;
}

/**
 * A user notification queued for delivery (webhook and email). It names the user by id
 * only: the job looks the username up when it delivers, so a queued notification
 * neither copies the name into the queue nor reaches a person erased meanwhile.
 */
export interface RiskNotification {
  id: string;
  type: 'new_device' | 'locked_out' | 'session_revoked' | 'password_changed' | 'second_factor_changed';
  userId: string;
  /** ISO time */
  at: string;
  details: Record<string, unknown>;
}

/** A security-team alert (a signed SET to RISK_ALERT_URL). */
export interface RiskAlert {
  id: string;
  decision: Decision;
  /** the person's subject key (never a name): the SET's opaque `sub_id` */
  subjectKey?: string;
  clientId?: string;
  score: number;
  signals: string[];
  at: string;
}
