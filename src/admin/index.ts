/**
 * The admin service: every operator change, called alike by the admin CLI
 * (scripts/admin) and the admin API (src/admin-api), validated by the same schemas and
 * recorded in the audit trail.
 */
export { createClient, replaceClient, rotateClientSecret, deleteClient, readClient, allClients } from './clients.js';
export type { ClientView } from './clients.js';
export { recordChange, listAudit, adminAuditPurgeTask } from './audit.js';
export type { AuditEntryView, Change } from './audit.js';
export { cliActor, clientActor } from './actor.js';
export type { Actor } from './actor.js';
export type { AdminDeps } from './deps.js';
export { AdminRefusal, invalidInput, notFound, conflict } from './errors.js';
export { clientInput, resourceInput, auditQuery, eventQuery, statsQuery, rotateInput, parse, CLIENT_ID } from './schemas.js';
export type { ClientInputBody, ResourceInputBody, AuditQuery } from './schemas.js';
export { bootstrapAdmin, adminAudience, ADMIN_SCOPES } from './bootstrap.js';
export type { AdminScope } from './bootstrap.js';
export { createResource, replaceResource, rekeyResource, deleteResource, readResource, allResources } from './resources.js';
export type { ResourceView } from './resources.js';
export { liftClientLockouts } from './lockouts.js';
export type { LiftedLockouts } from './lockouts.js';
export { listSecurityEvents, securityEventStats } from './events.js';
export { listKeys, rotateKeys } from './keys.js';
export type { SigningKeyView, MasterSecretView } from './keys.js';
