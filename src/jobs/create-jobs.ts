/**
 * Wiring of jobs and events for the two kinds of process:
 *  - the issuer: embedded mode runs every processor in-process on the schedules;
 *    cluster mode (REDIS_URL) only adds jobs to BullMQ;
 *  - the worker (`npm run worker`, cluster mode): runs the processors and schedules.
 * Both get the same `emit` API (EventEmitter) for other areas to call.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { outboundPolicy } from '../outbound/index.js';
import { createEventEmitter, EVENTS_PENDING_CHANNEL, type EventEmitter } from '../events/index.js';
import type { KeyStore } from '../keys/index.js';
import type { RevocationService } from '../revocation/index.js';
import type { Database } from '../storage/index.js';
import { createBullQueue, startBullWorkers } from './bullmq-runner.js';
import { createInProcessRunner } from './in-process-runner.js';
import { schedulesOf } from './names.js';
import type { JobQueue, Processors } from './processor.js';
import { purgeExpiredProcessor, type PurgeTask } from './processors/purge-expired.js';
import { fingerprintPurgeTask } from '../fingerprint/index.js';
import { pushEventProcessor } from './processors/push-event.js';
import { riskAlertProcessor, riskNotifyProcessor } from './processors/risk-deliver.js';
import { purgeRiskEvents, purgeRiskState } from '../risk/index.js';
import { purgeChanges } from '../authz/index.js';
import { adminAuditPurgeTask } from '../admin/index.js';
import { auditPurgeTask, erasedSubjectsPurgeTask, inactiveUsersPurgeTask } from '../privacy/index.js';
import { longestTokenTtl } from '../registry/index.js';
import { revalidateProcessor } from './processors/revalidate.js';
import { rotateKeysProcessor } from './processors/rotate-keys.js';
import { sweepEventsProcessor } from './processors/sweep-events.js';
import type { RevalidationEvaluator } from './revalidation/evaluator.js';
import { removedClients } from './revalidation/removed-clients.js';
import { subjectGenerations } from './revalidation/subject-generations.js';

export interface JobDeps {
  config: Config;
  db: Database;
  kek: Uint8Array;
  keys: KeyStore;
  revocation: RevocationService;
  /** subject -> pseudonymous handle (TokenService.handleOf) */
  handleOf(sub: string): string;
  log: Logger;
  /** after a rotation: notify other processes and reload this one */
  onKeysChanged(): Promise<void>;
  /** evaluators beyond the built-in ones (users, permissions, risk) */
  evaluators?: RevalidationEvaluator[];
  /** purge tasks beyond the built-in ones (retention purges) */
  purgeTasks?: PurgeTask[];
  now?: () => Date;
}

/** What other areas add to the jobs: revalidation evaluators and purge tasks (pass the same to issuers and workers). */
export type JobExtensions = Pick<JobDeps, 'evaluators' | 'purgeTasks'>;

export interface Jobs {
  queue: JobQueue;
  events: EventEmitter;
  /** embedded only: resolves when no job runs or waits (tests) */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const ENQUEUE_WAIT_MS = 2000;

// The event rows are stored before their jobs are queued: if Redis is unreachable, emit
// (and the /revoke answer waiting on it) must not hang; `events.sweep` queues them later.
function emitterFor(deps: JobDeps, queue: JobQueue): EventEmitter {
  async function enqueuePush(jtis: string[]): Promise<void> {
    const added = queue.add('event.push', jtis.map((jti) => ({ payload: { jti }, jobId: jti })));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), ENQUEUE_WAIT_MS); timer.unref(); });
    try {
      if (await Promise.race([added, late]) === 'late') deps.log.warn({ events: jtis.length }, 'event push not queued yet; events.sweep will');
    } catch (err) {
      deps.log.warn({ err: String((err as Error)?.message ?? err), events: jtis.length }, 'event push not queued; events.sweep will');
    } finally {
      clearTimeout(timer);
    }
    added.catch(() => undefined);
  }
  return createEventEmitter({
    db: deps.db, issuer: deps.config.issuer, handleOf: deps.handleOf, pushGiveUpSec: deps.config.eventPushGiveUp, now: deps.now, enqueuePush,
  });
}

/**
 * Built-in purges: every table holding personal data has one (docs/privacy.md, "Data
 * inventory"), plus expired revocations. `events` is needed only with
 * USER_INACTIVE_RETENTION set (an erased account's tokens are revoked to receivers).
 */
export function builtinPurgeTasks(deps: Pick<JobDeps, 'db' | 'revocation' | 'config'> & Partial<Pick<JobDeps, 'kek'>> & { events?: EventEmitter }): PurgeTask[] {
  const { db, config } = deps;
  return [
    { name: 'oidc-payloads', purge: async (now) => (await db.prisma.oidcPayload.deleteMany({ where: { expiresAt: { lte: now } } })).count },
    { name: 'revocations', purge: (now) => deps.revocation.purgeExpired(now) },
    fingerprintPurgeTask(db, deps.config.fingerprint.retention), // FINGERPRINT_RETENTION
    {
      name: 'security-events',
      purge: async (now) => (await db.prisma.securityEvent.deleteMany({ where: { createdAt: { lte: new Date(now.getTime() - deps.config.eventRetention * 1000) } } })).count,
    },
    // the risk event log (RISK_EVENT_RETENTION); expired step-up requirements and lockouts over for RISK_LOCKOUT_MAX
    { name: 'risk-events', purge: (now) => purgeRiskEvents(db, new Date(now.getTime() - config.risk.eventRetention * 1000)) },
    { name: 'risk-state', purge: (now) => purgeRiskState(db, now, config.risk.lockoutMax) },
    { name: 'permission-changes', purge: (now) => purgeChanges(db, new Date(now.getTime() - config.privacy.permissionChangeRetention * 1000)) },
    auditPurgeTask(db, config.privacy.auditRetention),
    adminAuditPurgeTask(db, config.privacy.adminAuditRetention), // ADMIN_AUDIT_RETENTION
    erasedSubjectsPurgeTask(db),
    // familiar devices and networks of the login form, LOCKOUT_FAMILIAR_FOR after the last sign-in there
    { name: 'session-devices', purge: async (now) => (await db.prisma.sessionDevice.deleteMany({ where: { expiresAt: { lt: now } } })).count },
    { name: 'password-resets', purge: async (now) => (await db.prisma.passwordReset.deleteMany({ where: { expiresAt: { lt: now } } })).count },
    { name: 'familiar-places', purge: async (now) => (await db.prisma.familiarPlace.deleteMany({ where: { expiresAt: { lt: now } } })).count },
    ...inactiveUsers(deps),
  ];
}

/** USER_INACTIVE_RETENTION (off by default): the task that erases accounts unused for that long. */
function inactiveUsers(deps: Parameters<typeof builtinPurgeTasks>[0]): PurgeTask[] {
  const retention = deps.config.privacy.inactiveUserRetention;
  if (retention === undefined) return [];
  if (!deps.kek || !deps.events) throw new TypeError('USER_INACTIVE_RETENTION needs the KEK and the event emitter in the purge job');
  const keepSec = async () => await longestTokenTtl(deps.db, deps.config.accessTokenTtl) + deps.config.clockTolerance;
  return [inactiveUsersPurgeTask({ db: deps.db, kek: deps.kek, revocation: deps.revocation, events: deps.events, keepSec }, retention)];
}

/** Every processor, with the built-in evaluators and purge tasks plus the given ones. */
export function createProcessors(deps: JobDeps, queue: JobQueue, events: EventEmitter): Processors {
  const subjects = { revokeSubject: (sub: string) => deps.revocation.bumpSubject(deps.handleOf(sub)) };
  return {
    'keys.rotate': rotateKeysProcessor({ db: deps.db, kek: deps.kek, config: deps.config, onKeysChanged: deps.onKeysChanged, now: deps.now }),
    'rows.purge': purgeExpiredProcessor({ tasks: [...builtinPurgeTasks({ ...deps, events }), ...(deps.purgeTasks ?? [])], now: deps.now }),
    'sessions.revalidate': revalidateProcessor({
      db: deps.db, events, now: deps.now,
      evaluators: [subjectGenerations(deps.db), removedClients(deps.db, subjects), ...(deps.evaluators ?? [])],
    }),
    'events.sweep': sweepEventsProcessor({ db: deps.db, queue }),
    'event.push': pushEventProcessor({ db: deps.db, keys: deps.keys, now: deps.now, outbound: outboundPolicy(deps.config.outbound.allowedHosts, deps.config.outbound.timeoutMs) }),
    ...riskProcessors(deps),
  };
}

function riskProcessors(deps: JobDeps): Pick<Processors, 'risk.notify' | 'risk.alert'> {
  const usernameOf = async (id: string) => (await deps.db.prisma.user.findUnique({ where: { id }, select: { username: true } }))?.username;
  const delivery = { config: deps.config.risk, outbound: outboundPolicy(deps.config.outbound.allowedHosts, deps.config.outbound.timeoutMs), issuer: deps.config.issuer, signingKey: () => deps.keys.signingKey(), now: deps.now, usernameOf };
  return { 'risk.notify': riskNotifyProcessor(delivery), 'risk.alert': riskAlertProcessor(delivery) };
}

/** The issuer's side: in-process runner (embedded) or a BullMQ producer (cluster). */
export async function startIssuerJobs(deps: JobDeps): Promise<Jobs> {
  const { config } = deps;
  if (config.redisUrl) {
    const queue = createBullQueue({ redisUrl: config.redisUrl, prefix: config.jobQueuePrefix, redisTimeouts: config.redisTimeouts });
    return { queue, events: emitterFor(deps, queue), idle: async () => undefined, close: () => queue.close() };
  }
  const runner = createInProcessRunner({ log: deps.log, maxBackoffSec: config.eventPushMaxBackoff });
  const events = emitterFor(deps, runner);
  runner.start(createProcessors(deps, runner, events), schedulesOf(config));
  await runner.add('events.sweep', [{ payload: {} }]); // deliveries left pending by the last run
  // events the admin CLI stored: pushed now, not on the next sweep (scripts/admin/events.ts)
  const unlisten = deps.db.notices?.on(EVENTS_PENDING_CHANNEL, () => void runner.add('events.sweep', [{ payload: {} }]));
  return { queue: runner, events, idle: () => runner.idle(), close: () => { unlisten?.(); return runner.close(); } };
}

/** The worker process's side (cluster mode): BullMQ workers and the schedules. */
export async function startClusterWorkers(deps: JobDeps & { concurrency?: number }): Promise<{ events: EventEmitter; close(): Promise<void> }> {
  const { config } = deps;
  if (!config.redisUrl) throw new TypeError('workers need REDIS_URL (without it the issuer runs the jobs in-process)');
  const queue = createBullQueue({ redisUrl: config.redisUrl, prefix: config.jobQueuePrefix, redisTimeouts: config.redisTimeouts });
  const events = emitterFor(deps, queue);
  const workers = await startBullWorkers({
    redisUrl: config.redisUrl, redisTimeouts: config.redisTimeouts, prefix: config.jobQueuePrefix, processors: createProcessors(deps, queue, events),
    schedules: schedulesOf(config), maxBackoffSec: config.eventPushMaxBackoff, log: deps.log, concurrency: deps.concurrency,
  });
  await queue.add('events.sweep', [{ payload: {} }]);
  return { events, async close() { await workers.close(); await queue.close(); } };
}
