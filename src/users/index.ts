/** Users: the directory, passwords, TOTP, authentication levels and per-user revocation. */
export { createUserService, userProblem } from './service.js';
export type { UserService, UserInput, UserView } from './service.js';
export { hashPassword, verifyPassword, MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH } from './password.js';
export { newTotpSecret, totpStep, totpUri } from './totp.js';
export { ACR_PASSWORD, ACR_MFA, ACR_VALUES, levelOf, wantsMfa } from './levels.js';
export type { Authentication } from './levels.js';
export { revokeUser } from './revoke.js';
export type { RevokedUser } from './revoke.js';
export { endSessions, sessionsOf } from './end-sessions.js';
export type { SessionEnder } from './end-sessions.js';
export { newRecoveryCodes, useRecoveryCode, recoveryCodesLeft, RECOVERY_CODES } from './recovery.js';
