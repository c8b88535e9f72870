/**
 * Privacy: export and erasure of everything held about a person, the privacy audit, the
 * data migration that pseudonymised the risk records, and the retention purges of
 * privacy's own concern. docs/privacy.md is the data inventory.
 */
export { exportUser, eventsAbout } from './export-user.js';
export type { PrivacyDeps } from './export-user.js';
export { eraseUser } from './erase-user.js';
export type { ErasedUser } from './erase-user.js';
export { personOf, riskRowsOf } from './person.js';
export type { Person, PersonSecrets } from './person.js';
export { recordAudit, auditAbout, auditPurgeTask } from './audit.js';
export type { AuditAction, AuditActor, AuditEntry } from './audit.js';
export { pseudonymiseRiskRecords, PSEUDONYMISE_RISK } from './pseudonymise.js';
export type { Pseudonymised } from './pseudonymise.js';
export { erasedSubjectsPurgeTask, inactiveUsersPurgeTask } from './retention.js';
export type { InactiveUsersDeps } from './retention.js';
export { INVENTORY, NO_PERSONAL_DATA, inventoryTable, inventoryForPeople, retentionFor, inWords } from './inventory.js';
export type { InventoryEntry } from './inventory.js';
