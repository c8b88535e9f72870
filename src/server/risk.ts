/**
 * Risk wiring: the risk service with its dependencies (event-log pepper, subject keys,
 * username lookups, session revocation, metrics, delivery through the job queue), and the
 * start-up pass that pseudonymises risk rows an earlier release stored in clear. What
 * feeds it at the HTTP endpoints is in src/http/gate.ts and src/oidc (introspection
 * policy, risk hooks).
 */
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { TokenService } from '../access-tokens/index.js';
import { createTtlCache } from '../cache/index.js';
import type { Metrics } from '../http/index.js';
import type { JobQueue } from '../jobs/index.js';
import { deploymentSecret } from '../keys/index.js';
import { longestTokenTtl } from '../registry/index.js';
import { compileIpList, createLocator, createRiskMemory, createRiskService, loadIpListFile, loadSubjectKeys, type Locate, type RiskService, type SubjectKeys } from '../risk/index.js';
import { pseudonymiseRiskRecords } from '../privacy/index.js';
import type { Database } from '../storage/index.js';
import { ACR_MFA, ACR_PASSWORD, type UserService } from '../users/index.js';

export interface RiskWiring {
  config: Config; db: Database; kek: Uint8Array; log: Logger; metrics: Metrics; users: UserService; tokens: TokenService; queue: JobQueue;
  now?: () => number;
  locate?: Locate;
}

/**
 * Validates the risk files before any database work: the IP lists (settings and files;
 * IpListError naming the file and line) and RISK_GEOIP_DB (ConfigError naming it).
 * Returns the opened locator for startRisk.
 */
export async function checkRiskFiles(risk: Config['risk']): Promise<Locate> {
  compileIpList(risk.denyIps, risk.ipListMax, (i) => `RISK_DENY_IPS entry ${i + 1}`);
  compileIpList(risk.watchIps, risk.ipListMax, (i) => `RISK_WATCH_IPS entry ${i + 1}`);
  for (const file of [risk.denyIpsFile, risk.watchIpsFile]) if (file) await loadIpListFile(file, risk.ipListMax);
  return createLocator(risk.geoipDb);
}

/**
 * The deployment's subject keys, after rekeying whatever an earlier release stored in
 * clear (src/privacy/pseudonymise.ts); logs what it changed.
 */
async function subjectKeys(w: RiskWiring): Promise<SubjectKeys> {
  const keys = await loadSubjectKeys(w.db, w.kek);
  const done = await pseudonymiseRiskRecords(w.db, keys);
  if (done.events + done.lockouts + done.stepUps > 0) w.log.info({ event: 'privacy.pseudonymised', ...done }, 'privacy.pseudonymised: risk rows rekeyed');
  return keys;
}

/** Builds the risk service (throws IpListError naming the file and line of a bad IP list). */
export async function startRisk(w: RiskWiring): Promise<RiskService> {
  const keys = await subjectKeys(w);
  // disabled users too: signals about them are keyed by their name like everyone's
  const usernames = createTtlCache(async (id: string) => (await w.db.prisma.user.findUnique({ where: { id }, select: { username: true } }))?.username, { ttlMs: 5000, now: w.now });
  const userIdOf = async (typed: string) => (await w.db.prisma.user.findFirst({ where: { username: { equals: typed.trim(), mode: 'insensitive' } }, select: { id: true } }))?.id;
  // cluster mode: every process reads and writes one memory in Redis (last places, presenters, bursts)
  const redisUrl = w.config.mode === 'cluster' && w.config.risk.enabled ? w.config.redisUrl : undefined;
  const memory = createRiskMemory({ redisUrl, redisTimeouts: w.config.redisTimeouts, namespace: w.config.databaseSchema, log: w.log });
  const risk = await createRiskService({
    config: w.config.risk, db: w.db, log: w.log, now: w.now, locate: w.locate, memory,
    pepper: await deploymentSecret(w.db, w.kek, 'risk-ip-hash'), keys,
    usernameOf: (id) => usernames.get(id), userIdOf,
    requiredAcr: async (id) => ((await w.users.findActive(id))?.totp ? ACR_MFA : ACR_PASSWORD),
    revokeSession: (sid) => w.tokens.revokeSession(sid, 'policy'),
    metrics: { signal: (signal) => w.metrics.riskSignals.inc({ signal }), decision: (decision) => w.metrics.riskDecisions.inc({ decision }) },
    stepUpKeepSec: Math.max(86_400, await longestTokenTtl(w.db, w.config.accessTokenTtl)),
    deliver: {
      notify: (n) => w.queue.add('risk.notify', [{ payload: n, jobId: `notify-${n.id}` }]),
      alert: (a) => w.queue.add('risk.alert', [{ payload: a, jobId: `alert-${a.id}` }]),
    },
  }).catch(async (err: unknown) => { await memory.close(); throw err; });
  const close = risk.close;
  return Object.assign(risk, { close: () => { close(); void memory.close(); } });
}
