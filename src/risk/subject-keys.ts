/**
 * Pseudonymous subject keys: what the risk engine stores, logs and alerts instead of a
 * person's name or user id. Each is an HMAC-SHA256 under the deployment secret
 * `risk-subject`, truncated to 128 bits (base64url, 22 characters), so only the issuer
 * can link a key to a person (GDPR Art. 4(5) pseudonymisation: the additional
 * information, the secret, is kept apart, encrypted under the KEK).
 *
 * Names are keyed as typed, normalised the way the risk engine compares them (trimmed,
 * lower-cased, at most 64 characters): failures against a username nobody has are
 * keyed, and so locked out, exactly like those against a real account, which tells
 * nothing about which accounts exist. User ids are keyed apart (a separate domain), for
 * the records that only know the token's `sub` (step-up requirements).
 */
import { createHmac } from 'node:crypto';
import type { Database } from '../storage/index.js';
import { deploymentSecret } from '../keys/index.js';

/** The deployment secret the keys are computed under. */
export const SUBJECT_KEY_SECRET = 'risk-subject';

/** Longest name compared (USERNAME allows 64 characters; longer input is cut, not refused). */
const MAX_NAME = 64;

export interface SubjectKeys {
  /** the key of a name as typed (normalised first) */
  ofName(typed: string): string;
  /** the key of a user id (a token's `sub`) */
  ofUser(userId: string): string;
}

/** The form in which names are compared: trimmed, lower-cased, cut at 64 characters. */
export function normaliseName(typed: string): string {
  return typed.trim().toLowerCase().slice(0, MAX_NAME);
}

/** Keys under `secret` (at least 16 bytes). */
export function createSubjectKeys(secret: Uint8Array): SubjectKeys {
  if (!(secret instanceof Uint8Array) || secret.byteLength < 16) throw new TypeError('the subject key secret must be at least 16 bytes');
  const mac = (domain: string, value: string) => createHmac('sha256', secret).update(domain).update('\0').update(value, 'utf8').digest().subarray(0, 16).toString('base64url');
  return {
    ofName: (typed) => mac('portcullis/risk-subject/name', normaliseName(typed)),
    ofUser: (userId) => mac('portcullis/risk-subject/user', userId),
  };
}

/** The deployment's keys (the secret is created by whichever process asks first). */
export async function loadSubjectKeys(db: Database, kek: Uint8Array): Promise<SubjectKeys> {
  return createSubjectKeys(await deploymentSecret(db, kek, SUBJECT_KEY_SECRET));
}

/** The lockout key of a person (by the key of their name) in RiskLockout. */
export const personLockout = (subjectKey: string): string => `subject:${subjectKey}`;

/** The RiskStepUp row of a user (by the key of their user id). */
export const stepUpSubject = (userKey: string): string => `user:${userKey}`;

/**
 * The subject key under which failures at the login form from an unfamiliar device or
 * network are scored and locked (docs/lockout.md): apart from the person's own key, so
 * a stranger's guesses never lock the owner out of a familiar browser.
 */
export const unfamiliarSubject = (subjectKey: string): string => `${subjectKey}.unfamiliar`;
