/**
 * Everything a person's records are keyed by: their user id, the subject handle of
 * their tokens, and the risk engine's pseudonymous keys of their name and user id.
 * Export and erasure find a person's rows through these, and through nothing else.
 */
import { subjectHandle } from '../keys/index.js';
import { normaliseName, personLockout, stepUpSubject, unfamiliarSubject, type SubjectKeys } from '../risk/index.js';

/** What export and erasure need besides the database: the two deployment secrets that key a person's records. */
export interface PersonSecrets {
  /** deployment secret `subject-handle` (token subject handles) */
  handlePepper: Uint8Array;
  /** the risk engine's subject keys (deployment secret `risk-subject`) */
  keys: SubjectKeys;
}

export interface Person {
  id: string;
  username: string;
  /** subject handle of the user's tokens (SubjectKey, security events) */
  handle: string;
  /** risk subject key of the username (events, lockouts, alerts, logs) */
  nameKey: string;
  /** risk subject key of the user id (step-up requirements; events once the name was gone) */
  userKey: string;
}

/** The person a user row belongs to. */
export function personOf(secrets: PersonSecrets, user: { id: string; username: string }): Person {
  return {
    id: user.id, username: user.username, handle: subjectHandle(secrets.handlePepper, user.id),
    nameKey: secrets.keys.ofName(user.username), userKey: secrets.keys.ofUser(user.id),
  };
}

/**
 * Prisma filters for the person's risk rows. Besides the keys they match what an earlier
 * release wrote in clear (the name as typed, as stored, or the user id), in case a row
 * was written after the start-up data migration by a process still on that release.
 */
export function riskRowsOf(p: Person) {
  const names = [...new Set([p.username, normaliseName(p.username)])];
  return {
    events: { OR: [{ subjectKey: { in: [p.nameKey, unfamiliarSubject(p.nameKey), p.userKey] } }, { subject: { in: [...names, p.id] } }] },
    lockouts: { key: { in: [personLockout(p.nameKey), personLockout(unfamiliarSubject(p.nameKey)), ...names.map((n) => `user:${n}`)] } },
    familiar: { subjectKey: p.nameKey },
    stepUps: { subject: { in: [stepUpSubject(p.userKey), p.id] } },
    audit: { subjectKey: { in: [p.nameKey, p.userKey] } },
  };
}
