/**
 * Risk signals and responses: fingerprint velocity, impossible travel,
 * flagged addresses, malicious patterns; the policy; step-up, lockout, session
 * revocation; the security event log; notification and alert delivery; pseudonymous
 * subject keys, the only way any of these names a person.
 * Other folders import only this file. docs/risk.md describes it all.
 */
export { createRiskService } from './service.js';
export type { RiskDeps, RiskService, IntrospectionUse, Refusal } from './service.js';
export type { Decision, FingerprintObservation, RiskAlert, RiskNotification, Signal } from './types.js';
export { decide, lockoutSeconds } from './policy.js';
export { IpListError, compileIpList, loadIpListFile } from './ip-list.js';
export { listRiskEvents, riskEventStats, purgeRiskEvents, purgeRiskState, coarseIp } from './event-log.js';
export type { RiskEventView, EventQuery, RiskEventKind } from './event-log.js';
export { unlockUser, unlockClient } from './unlock.js';
export { createSubjectKeys, loadSubjectKeys, normaliseName, personLockout, stepUpSubject, unfamiliarSubject, SUBJECT_KEY_SECRET } from './subject-keys.js';
export type { SubjectKeys } from './subject-keys.js';
export { deliverNotification, deliverAlert, mailable, NOTIFICATION_TYP, RISK_DECISION_EVENT } from './deliver/index.js';
export type { DeliveryDeps, DeliveryResult } from './deliver/index.js';
export { createLocator, locate, distanceKm, isPublic } from './geo.js';
export type { Locate, Place } from './geo.js';
export { createFingerprintVelocity } from './signals/fingerprint-velocity.js';
export { createImpossibleTravel } from './signals/impossible-travel.js';
export { createFlaggedIps } from './signals/flagged-ips.js';
export { createPatterns } from './signals/patterns.js';
export { createRiskMemory, createLocalMemory, createRedisMemory } from './memory/index.js';
export type { LastPlace, RiskMemory, RiskMemoryOptions, Space } from './memory/index.js';
