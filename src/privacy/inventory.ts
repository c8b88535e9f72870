/**
 * The data inventory: every table that holds personal data, what it holds, why, for how
 * long, and how it is exported and erased (the record of processing GDPR Art. 30(1)
 * asks an operator for, and what a CCPA notice at collection lists), plus the tables
 * that hold none. One list for three readers: docs/privacy.md carries its Markdown table
 * (`npm run admin -- privacy inventory`, a test keeps them equal), the /privacy page
 * renders it for people with the configured durations, and tests check that every
 * table of the schema appears here, that the retention settings exist with these
 * defaults, and that the purge job empties every table once the clock passes them.
 */
import { settings, type Config } from '../config/index.js';

export interface InventoryEntry {
  /** Prisma model (table) */
  table: string;
  /** the columns holding personal data */
  columns: string[];
  /** what it is, for people */
  what: string;
  /** why it is kept, and the lawful basis (GDPR Art. 6(1)) */
  purpose: string;
  /** the setting that bounds it (README configuration table), if one does */
  setting?: string;
  /** how long, in words (counted from what, and what happens then) */
  retention: string;
  /** the configured retention in seconds, when one number says it */
  seconds?(config: Config): number | undefined;
  /** how `user export` / `GET /me/data` returns it */
  exported: string;
  /** what `user erase` / `DELETE /me/data` does to it */
  erased: string;
}

const ACCOUNT = 'until the account is erased or deleted, or has had no sign-in for USER_INACTIVE_RETENTION (by default it is not erased for inactivity)';

export const INVENTORY: readonly InventoryEntry[] = Object.freeze([
  {
    table: 'User', columns: ['id', 'username', 'passwordHash', 'totpSecret', 'totpLastStep', 'disabled', 'permissions', 'createdAt', 'updatedAt', 'lastSignInAt'],
    what: 'your account: username (which may be an e-mail address), password hash (Argon2id), second-factor secret (encrypted), permissions, last sign-in',
    purpose: 'signing you in (contract, Art. 6(1)(b))', setting: 'USER_INACTIVE_RETENTION', retention: ACCOUNT,
    seconds: (c) => c.privacy.inactiveUserRetention,
    exported: '`user` (without the password hash and the second-factor secret)', erased: 'deleted',
  },
  {
    table: 'RoleAssignment', columns: ['subject', 'roleName', 'createdAt'],
    what: 'the roles you hold', purpose: 'deciding what your tokens may do (contract)', setting: 'USER_INACTIVE_RETENTION', retention: ACCOUNT,
    seconds: (c) => c.privacy.inactiveUserRetention, exported: '`roles`', erased: 'deleted',
  },
  {
    table: 'PermissionChange', columns: ['subject', 'change', 'detail', 'createdAt'],
    what: 'changes to your roles and permissions', purpose: 'telling resource servers that your tokens\' claims changed (contract; security, Art. 6(1)(f))',
    setting: 'PERMISSION_CHANGE_RETENTION', retention: 'from when it was written', seconds: (c) => c.privacy.permissionChangeRetention,
    exported: '`permissionChanges`', erased: 'deleted',
  },
  {
    table: 'OidcPayload', columns: ['payload', 'grantId', 'uid', 'expiresAt'],
    what: 'your sign-in sessions, consents (grants), refresh tokens, authorization codes and sign-ins in progress',
    purpose: 'keeping you signed in and letting apps you allowed refresh their tokens (contract)', setting: 'SESSION_TTL',
    retention: 'from the sign-in or consent for sessions, grants and refresh tokens (then they expire); sign-ins in progress 10 minutes, codes 1 minute; deleted once expired',
    seconds: (c) => c.sessionTtl, exported: '`sessionsAndGrants` (what each covers, never its identifier, which is a credential)', erased: 'deleted (every row naming your user id)',
  },
  {
    table: 'FingerprintProfile', columns: ['userId', 'interactionId', 'sessionUid', 'components', 'digest', 'coarse', 'createdAt', 'updatedAt', 'expiresAt'],
    what: 'your devices: keyed hashes of the characteristics of the browser you signed in with; in clear only browser family, major version and platform',
    purpose: 'checking that a token is used from the device it was issued to (security, Art. 6(1)(f))', setting: 'FINGERPRINT_RETENTION',
    retention: 'from the last time a token was issued from the profile', seconds: (c) => c.fingerprint.retention, exported: '`fingerprints`', erased: 'deleted',
  },
  {
    table: 'FingerprintChange', columns: ['profileId', 'outcome', 'score', 'changed', 'clientId', 'createdAt'],
    what: 'device comparisons that did not match exactly: the outcome and the names of the characteristics that changed',
    purpose: 'learning legitimate device changes and spotting another device (security)', setting: 'FINGERPRINT_RETENTION',
    retention: 'from when it was written', seconds: (c) => c.fingerprint.retention, exported: '`fingerprints[].changes`', erased: 'deleted with the profile',
  },
  {
    table: 'RiskEvent', columns: ['subjectKey', 'subject (legacy, emptied at start-up)', 'clientId', 'ipHash', 'ipCoarse', 'country', 'details', 'at'],
    what: 'security events about you: failed sign-ins, unusual travel, new devices, decisions (step-up, lockout), admin unlocks; named by a keyed hash of your username, with a keyed hash of your address, its network (/24 or /48) and country',
    purpose: 'detecting account takeover and responding to it (security, Art. 6(1)(f))', setting: 'RISK_EVENT_RETENTION',
    retention: 'from the event', seconds: (c) => c.risk.eventRetention, exported: '`riskEvents`', erased: 'deleted',
  },
  {
    table: 'RiskLockout', columns: ['key', 'level', 'until', 'reason'],
    what: 'a temporary lockout of your username after suspicious activity, named by its keyed hash',
    purpose: 'stopping password guessing (security)', setting: 'RISK_LOCKOUT_MAX',
    retention: 'after the lockout ended (a later lockout then starts at the first level again)', seconds: (c) => c.risk.lockoutMax,
    exported: '`lockouts`', erased: 'deleted',
  },
  {
    table: 'RiskStepUp', columns: ['subject', 'acr', 'since', 'expiresAt'],
    what: 'a requirement to sign in again (with your second factor when you have one), named by a keyed hash of your user id',
    purpose: 'refusing tokens that may be in the wrong hands until you sign in again (security)', setting: 'ACCESS_TOKEN_TTL',
    retention: 'until the longest access token lifetime (at least one day) has passed since it was raised', exported: '`stepUps`', erased: 'deleted',
  },
  {
    table: 'FamiliarPlace', columns: ['key', 'subjectKey', 'expiresAt'],
    what: 'the browsers and networks you signed in from, each only as a keyed hash of a random browser cookie or of the network (never your address)',
    purpose: 'counting wrong passwords typed from elsewhere apart from yours, so a stranger cannot lock you out (security)', setting: 'LOCKOUT_FAMILIAR_FOR',
    retention: 'after your last sign-in from that browser or network', seconds: (c) => c.lockoutFamiliarFor,
    exported: '`familiarPlaces` (how many, until when)', erased: 'deleted',
  },
  {
    table: 'SessionDevice', columns: ['sessionUid', 'userId', 'browser', 'country', 'lastUsedAt', 'expiresAt'],
    what: 'for each browser signed in to your account: the browser family, the country of its network (never the address), and when it was last used',
    purpose: 'showing you where you are signed in, so you can sign a browser out (contract; security)', setting: 'SESSION_TTL',
    retention: 'from the last use of that session (then it expires)', seconds: (c) => c.sessionTtl, exported: '`devices`', erased: 'deleted',
  },
  {
    table: 'PasswordReset', columns: ['hash', 'userId', 'expiresAt'],
    what: 'a password reset link we e-mailed you, only as a hash of its secret', purpose: 'letting you choose a new password (contract)', setting: 'PASSWORD_RESET_TTL',
    retention: 'until used, or until it expires', seconds: (c) => c.passwordResetTtl, exported: '`passwordResets` (until when)', erased: 'deleted',
  },
  {
    table: 'RecoveryCode', columns: ['hash', 'userId', 'createdAt'],
    what: 'the one-time recovery codes of your second factor, only as keyed hashes', purpose: 'signing you in when you lose your authenticator (contract)',
    retention: ACCOUNT + '; each code until it is used, all of them when the second factor is removed or new codes are made', exported: '`recoveryCodes` (how many are left)', erased: 'deleted',
  },
  {
    table: 'SecurityEvent', columns: ['payload', 'eventKey', 'createdAt'],
    what: 'security events for resource servers about your tokens (revoked, claims changed, account disabled), naming you by your tokens\' subject handle, or by user id to receivers allowed to see it',
    purpose: 'making resource servers stop your revoked tokens at once (security)', setting: 'EVENT_RETENTION',
    retention: 'from when it was stored (delivery is retried meanwhile)', seconds: (c) => c.eventRetention,
    exported: '`securityEvents`', erased: 'deleted; the erasure itself then stores one subject-revoked event per receiver, which stops your remaining tokens there',
  },
  {
    table: 'SubjectKey', columns: ['handle', 'generation', 'updatedAt', 'dropAfter'],
    what: 'the key generation of your tokens, named by their subject handle (a keyed hash of your user id)',
    purpose: 'revoking all your tokens at once (security)', setting: 'ACCESS_TOKEN_TTL',
    retention: 'while the account exists; once it is erased or deleted, until its last token has expired (`dropAfter`), then deleted',
    exported: '`tokenRevocation`', erased: 'kept until `dropAfter` (longest token lifetime + CLOCK_TOLERANCE): it is what stops the tokens issued before the erasure',
  },
  {
    table: 'Revocation', columns: ['jti'],
    what: 'ids of revoked tokens, consents and sessions (random; no user column)',
    purpose: 'keeping revoked tokens refused until they expire (security)', setting: 'ACCESS_TOKEN_TTL',
    retention: 'until the revoked token would have expired', exported: 'not exported: nothing in it names you, and it is linked to no one once your grants are gone',
    erased: 'kept until it expires: it keeps your revoked tokens refused',
  },
  {
    table: 'PrivacyAudit', columns: ['subjectKey', 'action', 'actor', 'details', 'at'],
    what: 'who looked up, exported or erased your data, and when, named by the keyed hash of your username',
    purpose: 'accountability for access to personal data (legal obligation, Art. 5(2), 6(1)(c))', setting: 'PRIVACY_AUDIT_RETENTION',
    retention: 'from the entry', seconds: (c) => c.privacy.auditRetention, exported: '`accessLog`',
    erased: 'entries about you lose the key (the fact that a look-up happened stays, about no one); a new entry records that an erasure happened, with counts only',
  },
]);

/** Tables that hold no personal data, and why (every table of the schema is in one list or the other). */
export const NO_PERSONAL_DATA: Readonly<Record<string, string>> = Object.freeze({
  Client: 'registered apps (client ids, hashed secrets, metadata)',
  ResourceServer: 'registered APIs',
  MasterSecret: 'key material (encrypted)',
  SigningKey: 'key material (encrypted)',
  RevocationEpoch: 'one counter',
  DeploymentSecret: 'key material (encrypted)',
  Role: 'role names and their permissions',
  EventReceiver: 'registered event receivers (client id, audience, endpoint)',
  JobState: 'job cursors (timestamps)',
  DataMigration: 'which data migrations ran, with row counts',
  AdminAudit: 'changes operators made (admin client or OS account, record ids, field names; their address as a keyed hash and network), kept ADMIN_AUDIT_RETENTION; a person changed by an admin only by pseudonymous subject key, replaced by `user:erased` when they are erased',
});

const cell = (v: string) => v.replace(/\|/g, '\\|');

/** The default of a setting (settings.ts), as README's configuration table shows it. */
export function settingDefault(env: string): string | undefined {
  const setting = settings.find((s) => s.env === env);
  return setting && 'default' in setting ? setting.default : undefined;
}

/** "How long" in the docs: the setting's default where one number says it, then the words. */
function howLong(e: InventoryEntry): string {
  const fallback = e.setting && e.seconds ? settingDefault(e.setting) : undefined;
  return fallback && fallback !== 'off' ? `\`${fallback}\` ${e.retention}` : e.retention;
}

/** The Markdown table docs/privacy.md carries between its inventory markers. */
export function inventoryTable(): string[] {
  return [
    '| Table | Personal data (columns) | What | Purpose (lawful basis) | How long (default) | Setting | Export | Erasure |',
    '|---|---|---|---|---|---|---|---|',
    ...INVENTORY.map((e) => `| \`${e.table}\` | ${e.columns.map((c) => `\`${c}\``).join(', ')} | ${cell(e.what)} | ${cell(e.purpose)} | ${cell(howLong(e))} | ${e.setting ? `\`${e.setting}\`` : '-'} | ${cell(e.exported)} | ${cell(e.erased)} |`),
  ];
}

/** A duration in words: whole days, hours or minutes. */
export function inWords(seconds: number): string {
  const [n, unit] = seconds % 86_400 === 0 ? [seconds / 86_400, 'day'] : seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : [Math.round(seconds / 60), 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** An entry's retention with the configured duration, for people. */
export function retentionFor(entry: InventoryEntry, config: Config): string {
  const seconds = entry.seconds?.(config);
  if (entry.retention === ACCOUNT) {
    return `until the account is erased or deleted${seconds === undefined ? '' : `, or has had no sign-in for ${inWords(seconds)}`}`;
  }
  return seconds === undefined ? entry.retention : `${inWords(seconds)} ${entry.retention}`;
}

/** The inventory as the /privacy page shows it: what, why, how long (configured). */
export function inventoryForPeople(config: Config): { what: string; purpose: string; howLong: string }[] {
  return INVENTORY.map((e) => ({ what: e.what, purpose: e.purpose, howLong: retentionFor(e, config) }));
}
