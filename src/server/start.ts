/**
 * Starts one issuer process: database (embedded or cluster), migrations, keys, the
 * services, and the HTTP listener. main.ts calls this; so do tests and the benchmark.
 */
import { adminApi } from './admin.js';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import type { Config } from '../config/index.js';
import { createTokenService, type TokenService } from '../access-tokens/index.js';
import { createTtlCache } from '../cache/index.js';
import { pollEndpoint, streamEndpoint, type EventEmitter } from '../events/index.js';
import { activeComponents, collectorScript, createFingerprintService, createProfileStore, disclosure, policyOf, privacyPage, type FingerprintService, type OnOutcome } from '../fingerprint/index.js';
import { clientAddress, createApp, createMetrics, fastIntrospection, fingerprintRoutes, gatewayCheck, trustedProxyList, type Metrics } from '../http/index.js';
import { interactionRoutes, logoutPage, signedOutPage } from '../interactions/index.js';
import { createFamiliarPlaces } from '../familiar/index.js';
import { ACCOUNT_CLIENT_ID, accountRedirectUri, accountRoutes, ACCOUNT_PATHS, createPasswordResets, createSessionDevices } from '../account/index.js';
import { endUserSessions } from './end-sessions.js';
import { startIssuerJobs, type JobExtensions, type Jobs } from '../jobs/index.js';
import { createKeyStore, deploymentSecret, publishKeyChange, resolveKek, subscribeKeyChanges, type KeyStore } from '../keys/index.js';
import { createOidc, type FingerprintDeps, type Oidc, type RevokedToken } from '../oidc/index.js';
import { eraseUser, exportUser, inventoryForPeople } from '../privacy/index.js';
import { findClient, findResource, longestTokenTtl } from '../registry/index.js';
import { createRevocationService } from '../revocation/index.js';
import type { RiskService } from '../risk/index.js';
import { MIGRATIONS_DIR, createDatabaseHealth, migrate, openDatabase, type Database } from '../storage/index.js';
import { createThrottle, type Throttle } from '../throttle/index.js';
import { createUserService, useRecoveryCode } from '../users/index.js';
import { createBindingDeps, createListener } from './binding.js';
import { checkRiskFiles, startRisk } from './risk.js';
import { withSubjectEvents } from './subject-events.js';
import { outboundPolicy } from '../outbound/index.js';

export interface Issuer {
  url: string; server: Server; db: Database; keys: KeyStore; tokens: TokenService; log: Logger;
  /** `emit(event)` for other areas, and the job runner */
  events: EventEmitter; jobs: Jobs;
  fingerprints: FingerprintService;
  risk: RiskService;
  /** the live oidc-provider and the sign-in facade */
  oidc: Oidc;
  close(): Promise<void>;
}

/** What other areas plug into an issuer: jobs, and a listener of fingerprint outcomes. */
export type IssuerExtensions = JobExtensions & { onFingerprintOutcome?: OnOutcome };

/**
 * Test seams: `now` (epoch ms) is the clock of everything that remembers or counts in
 * this process: lookups remembered for a second, the subject generations issuance
 * remembers, the throttle's memory windows, TOTP steps and sign-in times, and the risk
 * engine. oidc-provider and Redis keep real time.
 */
export interface IssuerOptions { now?: () => number }

/** Builds every service and listens on config.host:config.port. */
export async function startIssuer(config: Config, log: Logger = pino({ level: config.logLevel }), extensions: IssuerExtensions = {}, options: IssuerOptions = {}): Promise<Issuer> {
  const kek = resolveKek(config);
  const now = options.now ?? Date.now;
  const locate = await checkRiskFiles(config.risk); // a bad IP list or RISK_GEOIP_DB stops start-up before any database work
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema, timeouts: config.databaseTimeouts, log: (msg, fields) => log.info(fields ?? {}, msg) });
  const closing: Array<() => unknown> = [() => db.close()]; // run in reverse order
  const closeAll = async () => { for (const close of closing.reverse()) await close(); };
  try {
    await migrate(db.pool, { migrationsDir: MIGRATIONS_DIR, schema: db.schema });
    const health = createDatabaseHealth(db.pool, log);
    closing.push(() => health.close());
    const keys = await createKeyStore({ db, kek, signingAlg: config.signingAlg, reloadIntervalSec: config.keyReloadInterval });
    closing.push(() => keys.close());
    const [handlePepper, clientPepper, cookieSecret, csrfKey, fingerprintKey, artefactKey, familiarKey] = await Promise.all(
      ['subject-handle', 'client-secret', 'cookie', 'csrf', 'fingerprint', 'oidc-artefact', 'familiar-place'].map((name) => deploymentSecret(db, kek, name)),
    );
    const users = createUserService({ db, kek, issuer: config.issuer, now });
    const revocation = createRevocationService({ db, subjectCacheTtlSec: config.subjectCacheTtl, now });
    const baseTokens = createTokenService({
      issuer: config.issuer, keys, revocation, handlePepper, clockTolerance: config.clockTolerance,
      maxTokenLength: config.maxTokenLength, openCacheSize: config.openCacheSize, algorithms: ['ES256', 'EdDSA', 'PS256'],
      longestTtl: () => longestTokenTtl(db, config.accessTokenTtl),
    });
    const { onFingerprintOutcome, evaluators, purgeTasks } = extensions; // only these: a stray field must not override a job dependency
    const jobs = await startIssuerJobs({
      config, db, kek, keys, revocation, handleOf: baseTokens.handleOf, log, evaluators, purgeTasks,
      onKeysChanged: async () => { await publishKeyChange(config.redisUrl, config.redisTimeouts); await keys.reload(); },
    });
    closing.push(() => jobs.close());
    const { events } = jobs;
    const tokens = withSubjectEvents(baseTokens, events, log);
    const metrics = createMetrics();
    const throttle = await startThrottle(config, log, metrics, now);
    closing.push(() => throttle.close());
    const risk = await startRisk({ config, db, kek, log, metrics, users, tokens, queue: jobs.queue, now, locate });
    closing.push(() => risk.close());
    const binding = await createBindingDeps(config, db, kek, log);
    binding.onDpopReplay = (client, ip) => void risk.dpopReplayed(client, ip).catch((err: unknown) => log.warn({ err: String(err) }, 'risk signal not recorded'));
    const clientRecord = createTtlCache((id: string) => findClient(db, id), { ttlMs: 1000, now });
    const resource = createTtlCache((aud: string) => findResource(db, aud), { ttlMs: 1000, now });
    const active = activeComponents(config.fingerprint.components, config.fingerprint.highEntropy);
    const fingerprints = createFingerprintService({
      store: createProfileStore(db), key: fingerprintKey, active, onOutcome: fingerprintToRisk(risk, log, metrics, onFingerprintOutcome),
      thresholds: { match: config.fingerprint.match, drift: config.fingerprint.drift }, retentionSec: config.fingerprint.retention,
    });
    const fingerprintDeps: FingerprintDeps = { service: fingerprints, policy: async (id) => policyOf(await clientRecord.get(id)), mismatch: config.fingerprint.mismatch };
    const cookieKeys = [Buffer.from(cookieSecret).toString('base64url')];
    const trustedProxies = trustedProxyList(config.trustedProxies);
    const clientIp = (ctx: { req: { socket: { remoteAddress?: string } }; get(name: string): string }) => clientAddress(ctx.req.socket.remoteAddress, ctx.get('x-forwarded-for'), trustedProxies);
    const devices = createSessionDevices({ db, locate, ttlSec: config.sessionTtl, now });

    const oidc = createOidc({
      config, db, health, log, cookieKeys, clientPepper, artefactKey, tokens, users, binding, fingerprints: fingerprintDeps, risk, now,
      logoutPages: { confirm: (form) => logoutPage(form, config.brand), signedOut: () => signedOutPage(config.brand) },
      resource: (aud) => resource.get(aud),
      issued: (kind) => metrics.tokensIssued.inc({ kind }),
      revoked: (t) => tokenRevoked(t, events, metrics, log),
      // the account page signs people in as a client of this issuer (src/account/sign-in.ts), not listed among the registered ones
      builtinClients: [{ client_id: ACCOUNT_CLIENT_ID, token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], response_types: ['code'], redirect_uris: [accountRedirectUri(config.issuer)], portcullis_audiences: [], portcullis_scopes: '' }],
      sessionUsed: (ctx, session) => devices.record({ uid: session.uid, userId: session.accountId, userAgent: ctx.get('user-agent'), ip: clientIp(ctx) }),
    }, keys);
    const account = accountRoutes({
      issuer: config.issuer, brand: config.brand, db, csrfKey, secureCookies: config.issuer.startsWith('https:'), users, throttle, clientIp, keys: risk.keys, log, now,
      current: (ctx) => oidc.signIn.current(ctx), devices,
      exportUser: (id) => exportUser({ db, handlePepper, keys: risk.keys }, id, 'user'),
      eraseUser: (id) => eraseAndTell(id, { db, handlePepper, keys: risk.keys, revocation, events, log, config }),
      resets: createPasswordResets({ db, ttlSec: config.passwordResetTtl, now }), resetTtlSec: config.passwordResetTtl,
      smtp: config.risk.smtpUrl ? { url: config.risk.smtpUrl, from: config.risk.emailFrom } : undefined,
      endSessions: (userId, opts) => endUserSessions({ db, tokens, events, log, handlePepper, revocation, config }, userId, opts),
      unlock: async (username) => { await risk.unlockUser(username, 'password-reset'); },
      notify: async (userId, type) => { await jobs.queue.add('risk.notify', [{ payload: { id: randomUUID(), type, userId, at: new Date(now()).toISOString(), details: {} }, jobId: `notify-${randomUUID()}` }]); },
    });
    const bearer = { tokens, fingerprints: fingerprintDeps, replay: binding.presentedProofs, proofMaxAge: binding.proofMaxAge, realm: config.issuer };
    const admin = await adminApi({
      config, db, kek, clientPepper, handlePepper, revocation, events, bearer, certificates: binding.certificates, clientIp, throttle,
      keysChanged: async () => { await publishKeyChange(config.redisUrl, config.redisTimeouts); await keys.reload(); },
    });
    const app = createApp({
      issuer: config.issuer, health, log, db, keys, metrics, metricsToken: config.metricsToken, cookieKeys, oidc,
      gates: { throttle, risk, trustedProxies },
      interactions: interactionRoutes({
        health, signIn: oidc.signIn, users, csrfKey, log, throttle, risk, fingerprints: fingerprintDeps, now,
        recovery: (userId, code) => useRecoveryCode(db, userId, code), firstPartyClient: ACCOUNT_CLIENT_ID, brand: config.brand,
        display: {
          client: async (id) => (id === ACCOUNT_CLIENT_ID ? { name: 'your account' } : consentClient(id, await clientRecord.get(id))),
          resource: async (aud) => { const rs = await resource.get(aud); return rs && { name: rs.name ?? undefined, scopes: (rs.scopeDescriptions ?? {}) as Record<string, string> }; },
        },
        familiar: { places: createFamiliarPlaces({ db, secret: familiarKey, ttlSec: config.lockoutFamiliarFor, now }), ttlSec: config.lockoutFamiliarFor, secureCookie: config.issuer.startsWith('https:') },
        clientIp,
      }),
      account: { paths: ACCOUNT_PATHS, serve: account },
      admin,
      fastIntrospection: fastIntrospection({ issuer: config.issuer, tokens, clientPepper, metrics, client: (id) => clientRecord.get(id), resource: (aud) => resource.get(aud) }),
      fingerprint: fingerprintRoutes({
        ...fingerprintDeps, issuer: config.issuer, tokens, script: collectorScript(active), clockTolerance: config.clockTolerance, accountAudience: `${config.issuer}/me`,
        disclosure: disclosure(config.issuer, active, config.fingerprint.retention), privacyPage: privacyPage(config.issuer, active, config.fingerprint.retention, inventoryForPeople(config), config.brand),
        exportUser: (id) => exportUser({ db, handlePepper, keys: risk.keys }, id, 'user'),
        eraseUser: (id) => eraseAndTell(id, { db, handlePepper, keys: risk.keys, revocation, events, log, config }),
      }),
      events: { poll: pollEndpoint({ db, keys, clientPepper }), stream: streamEndpoint({ db, clientPepper, issuer: config.issuer, outbound: outboundPolicy(config.outbound.allowedHosts, config.outbound.timeoutMs) }) },
      gatewayCheck: gatewayCheck({
        bearer, clientPepper, client: (id) => clientRecord.get(id), resource: (aud) => resource.get(aud),
      }),
    });
    closing.push(await subscribeKeyChanges(config.redisUrl, config.redisTimeouts, () => keys.reload(), log));
    const server = createListener(config, app.callback()); // HTTPS when TLS_CERT_FILE is set
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(config.port, config.host, resolve));
    closing.push(() => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    log.info({ mode: config.mode, issuer: config.issuer, port }, 'portcullis issuer listening');
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return { url: `${config.tlsCertFile ? 'https' : 'http'}://${host}:${port}`, server, db, keys, tokens, log, events, jobs, fingerprints, risk, oidc, close: closeAll };
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }
}

/** How the consent screen names a client: its registered client_name, logo, policy and terms (OIDC Registration §2). */
function consentClient(id: string, md: Record<string, unknown> | undefined) {
  const text = (k: string) => (typeof md?.[k] === 'string' ? md[k] as string : undefined);
  return { name: text('client_name') ?? id, logoUri: text('logo_uri'), policyUri: text('policy_uri'), tosUri: text('tos_uri') };
}

/** A token revoked at /revoke: counted, and told to the receivers of its audience. */
async function tokenRevoked(t: RevokedToken, events: EventEmitter, metrics: Metrics, log: Logger): Promise<void> {
  metrics.revocations.inc();
  await events.emit({ type: 'token.revoked', jti: t.jti, aud: t.aud, sub: t.sub, initiator: 'user' })
    .catch((err: unknown) => log.warn({ err: String(err) }, 'token.revoked event not stored'));
}

interface EraseDeps { db: Database; handlePepper: Uint8Array; keys: RiskService['keys']; revocation: ReturnType<typeof createRevocationService>; events: EventEmitter; log: Logger; config: Config }

/** DELETE /me/data: everything about the user goes; their tokens stop, and receivers are told. */
async function eraseAndTell(id: string, d: EraseDeps): Promise<unknown> {
  const keep = new Date(Date.now() + (await longestTokenTtl(d.db, d.config.accessTokenTtl) + d.config.clockTolerance) * 1000);
  const erased = await eraseUser({ db: d.db, handlePepper: d.handlePepper, keys: d.keys, revocation: d.revocation }, id, keep, 'user');
  if (erased) await d.events.emit({ type: 'subject.revoked', sub: id, generation: erased.generation, initiator: 'user' }).catch((err: unknown) => d.log.warn({ err: String(err) }, 'subject.revoked event not stored'));
  return erased;
}

/** Throttling: Redis-backed in cluster mode, memory in embedded mode; events go to metrics. */
function startThrottle(config: Config, log: Logger, metrics: Metrics, now: () => number): Promise<Throttle> {
  return createThrottle({
    config: config.throttle, log, namespace: config.databaseSchema, now,
    redisUrl: config.mode === 'cluster' ? config.redisUrl : undefined, redisTimeouts: config.redisTimeouts,
    events: {
      limited: (endpoint, key, reason) => metrics.throttled.inc({ endpoint, key, reason }),
      lockout: (endpoint, key) => metrics.lockouts.inc({ endpoint, key }),
      degraded: (on) => metrics.throttleDegraded.set(on ? 1 : 0),
      fallback: () => metrics.throttleFallbacks.inc(),
    },
  });
}

/**
 * Every fingerprint comparison that was not an exact match (drift, mismatch) is a risk
 * observation (velocity, new device, step-up); every one is counted in /metrics. `also`
 * is a caller's own listener (tests). A failing risk call is logged and never breaks
 * verification.
 */
function fingerprintToRisk(risk: RiskService, log: Logger, metrics: Metrics, also?: OnOutcome): OnOutcome {
  return (o) => {
    metrics.fingerprintOutcomes.inc({ outcome: o.outcome });
    also?.(o);
    if (o.outcome === 'match') return;
    void risk.observeFingerprint({ ...o, at: o.at.getTime() })
      .catch((err: unknown) => log.warn({ err: String(err) }, 'fingerprint risk observation not recorded'));
  };
}
