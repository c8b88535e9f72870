/**
 * Every job Portcullis runs: its name, payload type, queue and retry policy, in one
 * place. Producers and both runners (BullMQ in cluster mode, in-process in embedded
 * mode) read these declarations; processors live one per file under processors/.
 */

import type { RiskAlert, RiskNotification } from '../risk/index.js';

export interface JobPayloads {
  /** `keys rotate --if-due`: signing key and master secrets on their configured periods */
  'keys.rotate': Record<string, never>;
  /** delete rows past their expiry (oidc-provider records, revocations, finished events) */
  'rows.purge': Record<string, never>;
  /** continuous revalidation: run every evaluator, emit what changed */
  'sessions.revalidate': Record<string, never>;
  /** re-queue pending push deliveries whose job was lost (embedded restart, CLI emits) */
  'events.sweep': Record<string, never>;
  /** one push delivery attempt of one stored security event (RFC 8935) */
  'event.push': { jti: string };
  /** one user notification (new device, locked out, session revoked) to the webhook and by email */
  'risk.notify': RiskNotification;
  /** one security-team alert (a signed SET) to RISK_ALERT_URL */
  'risk.alert': RiskAlert;
}

export type JobName = keyof JobPayloads;

export const JOB_NAMES: JobName[] = ['keys.rotate', 'rows.purge', 'sessions.revalidate', 'events.sweep', 'event.push', 'risk.notify', 'risk.alert'];

/** Two queues so deliveries never wait behind maintenance. */
export type QueueName = 'maintenance' | 'events';

export const QUEUE_OF: Record<JobName, QueueName> = {
  'keys.rotate': 'maintenance',
  'rows.purge': 'maintenance',
  'sessions.revalidate': 'maintenance',
  'events.sweep': 'maintenance',
  'event.push': 'events',
  'risk.notify': 'events',
  'risk.alert': 'events',
};

/**
 * Attempts per job. Push delivery retries until the event's own give-up time (the
 * processor then fails permanently), so its attempt count is only a backstop.
 */
export const ATTEMPTS: Record<JobName, number> = {
  'keys.rotate': 3,
  'rows.purge': 3,
  'sessions.revalidate': 3,
  'events.sweep': 1,
  'event.push': 100_000,
  'risk.notify': 12,
  'risk.alert': 12,
};

/** A job run on a fixed period. */
export interface Schedule { name: JobName; everySec: number }

/** The scheduled jobs for a configuration. */
export function schedulesOf(config: { jobRotationCheck: number; jobPurgeInterval: number; jobRevalidateInterval: number }): Schedule[] {
  return [
    { name: 'keys.rotate', everySec: config.jobRotationCheck },
    { name: 'rows.purge', everySec: config.jobPurgeInterval },
    { name: 'sessions.revalidate', everySec: config.jobRevalidateInterval },
    { name: 'events.sweep', everySec: config.jobRevalidateInterval },
  ];
}
