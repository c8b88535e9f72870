/**
 * The risk service: signal modules feed observations in, the policy turns a subject's
 * (or client's) combined score into a decision, and the decision is applied (step-up
 * requirement, lockout, session revocation), logged (RiskEvent), counted (metrics),
 * and delivered (user notification, security-team alert) through the job queue.
 * No HTTP here: src/http and src/interactions call these methods.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RiskConfig } from '../config/index.js';
import type { Database } from '../storage/index.js';
import { ACR_MFA } from '../users/index.js';
import { createEventLog } from './event-log.js';
import { createLocator, type Locate } from './geo.js';
import { createLockouts } from './lockouts.js';
import { decide } from './policy.js';
import { createFingerprintVelocity } from './signals/fingerprint-velocity.js';
import { createFlaggedIps } from './signals/flagged-ips.js';
import { createImpossibleTravel } from './signals/impossible-travel.js';
import { createPatterns } from './signals/patterns.js';
import { createStepUps } from './step-up.js';
import { normaliseName, personLockout, stepUpSubject, unfamiliarSubject, type SubjectKeys } from './subject-keys.js';
import type { Decision, FingerprintObservation, RiskAlert, RiskNotification, Signal } from './types.js';
import { createLocalMemory, type RiskMemory } from './memory/index.js';

export interface RiskDeps {
  config: RiskConfig;
  db: Database;
  log: Logger;
  /** keys the address hash in the event log */
  pepper: Uint8Array;
  /** pseudonymous subject keys: records, logs and alerts name people only by these */
  keys: SubjectKeys;
  /** epoch milliseconds (tests inject it) */
  now?: () => number;
  /** queues a user notification / an alert (the jobs `risk.notify`, `risk.alert`) */
  deliver?: { notify(n: RiskNotification): Promise<void>; alert(a: RiskAlert): Promise<void> };
  /** user id -> username */
  usernameOf(userId: string): Promise<string | undefined>;
  /** name as typed -> the user it names, if any (who a lockout at the login form notifies) */
  userIdOf?(typed: string): Promise<string | undefined>;
  /** the level a step-up asks of this user: the second factor if enrolled, else a fresh password sign-in (default ACR_MFA) */
  requiredAcr?(userId: string): Promise<string>;
  /** ends a session and its tokens (revoke_session) */
  revokeSession?(sid: string): Promise<void>;
  metrics?: { signal(name: string): void; decision(name: string): void };
  /** how long a step-up requirement is kept (longest access token life) */
  stepUpKeepSec?: number;
  /** the address locator, when the caller opened it already (default: createLocator(config.geoipDb)) */
  locate?: Locate;
  /** the short-term memory the signals compare events with (default: this process's memory; the caller closes it) */
  memory?: RiskMemory;
}

/**
 * Who a set of signals is about, and what may be done where they were observed. A person
 * is named by `subjectKey` only; `typed` is the name as typed at the login form, kept
 * in memory to find whom a lockout notifies.
 */
interface Target {
  subjectKey?: string; typed?: string; userId?: string; clientId?: string; ip?: string; sid?: string; possible: Decision[];
  /** the person's own key when `subjectKey` is their unfamiliar side: alerts and log lines name the person */
  person?: string;
}

export interface IntrospectionUse {
  claims: Record<string, unknown>;
  /** the authenticated caller (resource server's client id) */
  caller?: string;
  /** the caller's own address */
  callerIp?: string;
  /** the address the token was presented from (form parameter `presenter_ip`) */
  presenterIp?: string;
  active: boolean;
}

export type Refusal = { reason: 'denied' | 'locked'; retryAfter: number };

/** What introspection answers after the risk checks: still active, or the step-up to ask for. */
export interface IntrospectionVerdict { active: boolean; stepUp?: { acr_values: string } }

/**
 * An identifier fit for a database key: no NUL (PostgreSQL refuses it in text) and at
 * most 255 characters; anything else cannot name a user or client.
 */
function clean(id: string | undefined): string | undefined {
  return typeof id === 'string' && id.length > 0 && id.length <= 255 && !id.includes('\u0000') ? id : undefined;
}

/** Creates the service (loads the IP lists: throws IpListError on a bad one). */
export async function createRiskService(deps: RiskDeps) {
  const { config, log } = deps;
  const now = deps.now ?? Date.now;
  const locate = deps.locate ?? createLocator(config.geoipDb);
  const events = createEventLog(deps.db, deps.pepper, locate);
  const lockouts = createLockouts(deps.db, { first: config.lockoutFirst, max: config.lockoutMax, now });
  const stepUps = createStepUps(deps.db, { now, keepSec: deps.stepUpKeepSec ?? 86_400 });
  const { keys } = deps;
  const memory = deps.memory ?? createLocalMemory();
  const stepUpOf = (userId: string) => stepUpSubject(keys.ofUser(userId));
  const fingerprints = createFingerprintVelocity({ changes: config.fingerprintChanges, windowSec: config.fingerprintWindow, memory });
  const travel = createImpossibleTravel({ maxSpeedKmh: config.maxSpeedKmh, minKm: config.travelMinKm, locate, memory });
  const patterns = createPatterns({ replayIps: config.replayIps, replayWindowSec: config.replayWindow, burst: config.invalidTokenBurst, burstWindowSec: config.burstWindow, memory });
  const flagged = await createFlaggedIps({
    deny: config.denyIps, watch: config.watchIps, denyFile: config.denyIpsFile, watchFile: config.watchIpsFile, max: config.ipListMax,
    recentFailures: config.recentFailures, failureWindowSec: config.failureWindow, log, memory,
  });
  const timer = config.denyIpsFile || config.watchIpsFile ? setInterval(() => void flagged.reload(), config.listReload * 1000) : undefined;
  timer?.unref();

  async function assess(t: Target, signals: Signal[]): Promise<Decision> {
    if (!config.enabled || signals.length === 0) return 'allow';
    const at = new Date(now());
    for (const s of signals) {
      deps.metrics?.signal(s.name);
      await events.record({ kind: 'signal', name: s.name, at, subjectKey: t.subjectKey, clientId: t.clientId, ip: t.ip, score: config.scores[s.name], details: s.details });
    }
    const score = t.subjectKey || t.clientId
      ? await events.scoreSince(t.subjectKey ? { subjectKey: t.subjectKey } : { clientId: t.clientId }, new Date(at.getTime() - config.scoreWindow * 1000))
      : signals.reduce((sum, s) => sum + config.scores[s.name], 0); // only an address: this observation alone
    const decision = decide(score, config.thresholds, new Set(t.possible));
    if (decision === 'allow') return decision;
    deps.metrics?.decision(decision);
    const names = signals.map((s) => s.name);
    const id = await events.record({ kind: 'decision', name: decision, at, subjectKey: t.subjectKey, clientId: t.clientId, ip: t.ip, score, decision, details: { signals: names } });
    if (decision !== 'allow_and_record') await apply(t, decision, id, score, names, at);
    return decision;
  }

  async function apply(t: Target, decision: Decision, id: string, score: number, signals: string[], at: Date): Promise<void> {
    // the same pseudonymous key as the event log and the alert: a line tells people apart, never names one
    log.warn({ event: 'risk.decision', decision, subject: t.person ?? t.subjectKey, client: t.clientId, score, signals }, 'risk.decision');
    if (decision === 'step_up' && t.userId) await stepUps.require(stepUpOf(t.userId), await acrFor(t.userId));
    if (decision === 'lockout') {
      const key = t.subjectKey ? personLockout(t.subjectKey) : `client:${t.clientId}`;
      if (await lockouts.lockedFor(key) > 0) return; // already locked: signals meanwhile do not lengthen it
      const locked = await lockouts.lock(key, signals.join(' '));
      const userId = t.userId ?? (t.typed ? await deps.userIdOf?.(t.typed) : undefined); // a name nobody has is notified to nobody
      if (userId) await notify({ id, type: 'locked_out', userId, at: at.toISOString(), details: { until: locked.until.toISOString(), seconds: locked.seconds } });
    }
    if (decision === 'revoke_session' && t.sid) {
      await deps.revokeSession?.(t.sid);
      if (t.userId) await stepUps.require(stepUpOf(t.userId), await acrFor(t.userId));
      if (t.userId) await notify({ id, type: 'session_revoked', userId: t.userId, at: at.toISOString(), details: {} });
    }
    await deps.deliver?.alert({ id, decision, subjectKey: t.person ?? t.subjectKey, clientId: t.clientId, score, signals, at: at.toISOString() })
      .catch((err: unknown) => log.warn({ err: String(err) }, 'risk alert not queued'));
  }

  const loginSubject = (typed: string, familiar: boolean) => (familiar ? keys.ofName(typed) : unfamiliarSubject(keys.ofName(typed)));

  const acrFor = async (userId: string) => (await deps.requiredAcr?.(userId)) ?? ACR_MFA;

  async function notify(n: RiskNotification): Promise<void> {
    await deps.deliver?.notify(n).catch((err: unknown) => log.warn({ err: String(err) }, 'risk notification not queued'));
  }

  /**
   * The key of the person a user id belongs to: the key of their name, so signals about
   * a known user add up with the failures typed against that name; the key of the id
   * when no user has it any more.
   */
  async function personKey(userId: string): Promise<string> {
    const username = await deps.usernameOf(userId);
    return username ? keys.ofName(username) : keys.ofUser(userId);
  }

  /** introspected() beyond the common case: an inactive token, a user token or a presenter address. */
  async function introspectedAt(use: IntrospectionUse, user: string | undefined): Promise<IntrospectionVerdict> {
    const at = now();
    if (!use.active) {
      // The one fishing is the presenter when the resource server names it. The caller
      // itself is never locked out for what others present to it (that would let anyone
      // lock a resource server out); the burst is recorded and the address flagged.
      const fisher = use.presenterIp ?? use.callerIp;
      const key = use.presenterIp ? `ip:${use.presenterIp}` : `client:${use.caller ?? 'unknown'}`;
      const [, counted] = await Promise.all([flagged.failed(fisher, at), patterns.invalidToken(key, at)]); // issued together: one round trip to a shared memory
      const burst = counted.map((s) => ({ ...s, details: { ...s.details, caller: clean(use.caller) } }));
      await assess({ ip: fisher, possible: [] }, burst); // not the caller's score (see above)
      return { active: false };
    }
    const c = use.claims;
    const ip = use.presenterIp;
    // issued together: one round trip to a shared memory
    const signals = ip ? (await Promise.all([user ? travel.observe({ subject: keys.ofUser(user), ip, at }) : [], patterns.presented(String(c.jti), ip, undefined, at), flagged.observe(ip, at)])).flat() : [];
    if (!user) {
      if (signals.length) await assess({ clientId: String(c.client_id), ip, possible: ['lockout'] }, signals);
      return { active: true };
    }
    const subjectKey = signals.length ? await personKey(user) : undefined;
    const sid = typeof c.sid === 'string' ? c.sid : undefined;
    const decision = await assess({ subjectKey, userId: user, clientId: String(c.client_id), ip, sid, possible: ['step_up', 'lockout', 'revoke_session'] }, signals);
    if (decision === 'revoke_session' || decision === 'lockout') return { active: false };
    const unmet = await stepUps.unmet(stepUpOf(user), c);
    return unmet ? { active: false, stepUp: { acr_values: unmet.acr } } : { active: true };
  }

  return {
    enabled: config.enabled,
    /** The deployment's subject keys (the login forms key their throttle counters with them too). */
    keys,
    /**
     * Fingerprinting calls this for every fingerprint comparison. A mismatch (new
     * device) notifies the user; rapid changes are scored.
     */
    async observeFingerprint(o: FingerprintObservation): Promise<Decision> {
      if (!clean(o.subject)) throw new TypeError('observeFingerprint: subject must be a user id');
      const signals = await fingerprints.observe({ ...o, subject: keys.ofUser(o.subject) });
      if (o.outcome === 'mismatch') await notify({ id: randomUUID(), type: 'new_device', userId: o.subject, at: new Date(o.at).toISOString(), details: { client: o.clientId } });
      return assess({ subjectKey: await personKey(o.subject), userId: o.subject, clientId: o.clientId, ip: o.ip, sid: o.session, possible: ['step_up', 'lockout', 'revoke_session'] }, signals);
    },
    /**
     * Before the password is checked: a deny-listed address or a locked user is refused.
     * `familiar` (default true) says whether the attempt comes from a browser or network the
     * person signed in from: failures from elsewhere are scored and locked apart.
     */
    async checkLogin(username: string, ip: string, familiar = true): Promise<Refusal | undefined> {
      if (!config.enabled) return undefined;
      if (flagged.denied(ip)) return { reason: 'denied', retryAfter: 0 };
      const seconds = normaliseName(username) ? await lockouts.lockedFor(personLockout(loginSubject(username, familiar))) : 0;
      return seconds > 0 ? { reason: 'locked', retryAfter: seconds } : undefined;
    },
    async loginFailed(username: string, ip: string, familiar = true): Promise<Decision> {
      await flagged.failed(ip, now());
      const subjectKey = normaliseName(username) ? loginSubject(username, familiar) : undefined;
      return assess({ subjectKey, person: subjectKey && keys.ofName(username), typed: username, ip, possible: subjectKey ? ['lockout'] : [] }, [{ name: 'login_failure', details: {} }, ...await flagged.observe(ip, now())]);
    },
    async loginSucceeded(username: string, userId: string, ip: string): Promise<Decision> {
      const signals = (await Promise.all([travel.observe({ subject: keys.ofUser(userId), ip, at: now() }), flagged.observe(ip, now())])).flat();
      // the password was right: ask for more (step-up), never lock out at this moment
      return assess({ subjectKey: keys.ofName(username), userId, ip, possible: ['step_up'] }, signals);
    },
    /** At /token, /introspect, /revoke before anything else: deny list and client lockouts. */
    async checkClient(clientId: string | undefined, ip: string): Promise<Refusal | undefined> {
      if (!config.enabled) return undefined;
      if (flagged.denied(ip)) return { reason: 'denied', retryAfter: 0 };
      const id = clean(clientId);
      const seconds = id ? await lockouts.lockedFor(`client:${id}`) : 0;
      return seconds > 0 ? { reason: 'locked', retryAfter: seconds } : undefined;
    },
    /** At issuance of a user's token: seconds the user is still locked out (0: not). */
    async userLockedFor(userId: string): Promise<number> {
      if (!config.enabled) return 0;
      const username = await deps.usernameOf(userId);
      return username ? lockouts.lockedFor(personLockout(keys.ofName(username))) : 0;
    },
    /**
     * After introspection: signals from the presenter's address, then whether the
     * token is still active and, if a step-up is required, the `acr_values` to ask for.
     */
    async introspected(use: IntrospectionUse): Promise<IntrospectionVerdict> {
      if (!config.enabled) return { active: use.active };
      const c = use.claims;
      const user = c.kind === 'AccessToken' || (typeof c.sub === 'string' && c.sub !== c.client_id) ? String(c.sub) : undefined;
      if (use.active && !user && !use.presenterIp) return { active: true }; // a client's own token with no address: nothing to observe
      return introspectedAt(use, user);
    },
    /**
     * FINGERPRINT_MISMATCH=step_up: a bound token was presented with another device's
     * fingerprint. Recorded as a signal and a step_up decision; every earlier token of
     * the user needs a new sign-in at the returned level (RFC 9470 `acr_values`).
     */
    async fingerprintMismatch(userId: string, ip: string | undefined, clientId: string | undefined): Promise<string | undefined> {
      if (!config.enabled || !clean(userId)) return undefined;
      const at = new Date(now());
      const subjectKey = await personKey(userId);
      deps.metrics?.signal('fingerprint_mismatch');
      await events.record({ kind: 'signal', name: 'fingerprint_mismatch', at, subjectKey, clientId: clean(clientId), ip, score: 0, details: {} });
      deps.metrics?.decision('step_up');
      const id = await events.record({ kind: 'decision', name: 'step_up', at, subjectKey, clientId: clean(clientId), ip, score: 0, decision: 'step_up', details: { signals: ['fingerprint_mismatch'] } });
      await apply({ subjectKey, userId, clientId: clean(clientId), ip, possible: ['step_up'] }, 'step_up', id, 0, ['fingerprint_mismatch'], at);
      return acrFor(userId);
    },
    /** oidc-provider detected a refresh token used twice (it revoked the grant already). */
    async refreshReused(userId: string | undefined, clientId: string, ip: string, sid?: string): Promise<Decision> {
      const subjectKey = userId ? await personKey(userId) : undefined;
      return assess({ subjectKey, userId, clientId, ip, sid, possible: ['step_up', 'lockout', 'revoke_session'] }, [{ name: 'refresh_reuse', details: {} }]);
    },
    /** A DPoP proof was replayed (at /token or in a presented proof at /introspect). */
    async dpopReplayed(clientId: string | undefined, ip: string | undefined): Promise<Decision> {
      const id = clean(clientId);
      return assess({ clientId: id, ip, possible: id ? ['lockout'] : [] }, [{ name: 'dpop_replay', details: {} }]);
    },
    /** Ends a user's lockout (admin) and records an override, so false positives can be counted. */
    async unlockUser(username: string, by = 'admin'): Promise<boolean> {
      const subjectKey = keys.ofName(username);
      const ended = (await Promise.all([subjectKey, unfamiliarSubject(subjectKey)].map((k) => lockouts.unlock(personLockout(k))))).some(Boolean);
      if (ended) await events.record({ kind: 'override', name: 'unlock', at: new Date(now()), subjectKey, details: { by } });
      return ended;
    },
    /** Re-reads changed IP list files now (also done every RISK_LIST_RELOAD). */
    reloadLists: () => flagged.reload(),
    close(): void {
      if (timer) clearInterval(timer);
    },
  };
}
export type RiskService = Awaited<ReturnType<typeof createRiskService>>;
