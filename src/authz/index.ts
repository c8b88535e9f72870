/**
 * Claims-based authorization: roles and their assignment to users and clients, the
 * rule that narrows a subject's permissions to a token's scope, the Rich
 * Authorization Requests types and their policy, and the change records that later
 * become `token-claims-change` events. No HTTP and no oidc-provider here; the
 * provider glue is src/http/authz-config.ts.
 */
export { isPermission, splitPermissions, permissionsProblem, PERMISSION_PATTERN, MAX_PERMISSION_LENGTH } from './permission.js';
export { narrowPermissions, withinScope } from './narrow.js';
export { SUBJECT_KINDS, subjectProblem } from './subject.js';
export type { Subject, SubjectKind } from './subject.js';
export { roleNameProblem } from './role-name.js';
export { addRole, grantToRole, revokeFromRole, removeRole, listRoles } from './roles.js';
export type { RoleRecord } from './roles.js';
export { assignRole, unassignRole, forgetSubject } from './assignments.js';
export { grantedPermissions } from './granted.js';
export { listChanges, purgeChanges } from './changes.js';
export type { PermissionChangeRecord, ChangeName } from './changes.js';
export { DETAIL_TYPES, DETAIL_TYPE_NAMES, detailProblem, requiredPermissions } from './detail-types.js';
export type { AuthorizationDetail, DocumentAccess, PaymentInitiation, DetailTypeName } from './detail-types.js';
export { detailRefusal, detailsRefusal, MAX_DETAILS } from './policy.js';
export type { DetailContext } from './policy.js';
