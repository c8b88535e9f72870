/**
 * Starts one issuer process: database (embedded or cluster), migrations, keys,
 * services and the HTTP listener. main.ts calls this; so do tests and the benchmark.
 */
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import type { Config } from '../config/index.js';
import { createTokenService, type TokenService } from '../access-tokens/index.js';
import { createApp, createMetrics, createProvider, createProviderHolder, createTtlCache, bridgeProvider, fastIntrospection, createRequestStates, providerRequest, type RevokedToken } from '../http/index.js';
import { findClient, findResource, longestTokenTtl } from '../registry/index.js';
import { createKeyStore, deploymentSecret, publishKeyChange, resolveKek, subscribeKeyChanges, type KeyStore } from '../keys/index.js';
import { createRevocationService } from '../revocation/index.js';
import { createUserService } from '../users/index.js';
import { MIGRATIONS_DIR, migrate, openDatabase, type Database } from '../storage/index.js';
import { createBindingDeps, createListener } from './binding.js';
import { pollEndpoint, streamEndpoint, POLL_PATH, STREAM_PATH, type EventEmitter } from '../events/index.js';
import { startIssuerJobs, type JobExtensions, type Jobs } from '../jobs/index.js';
import { withSubjectEvents } from './subject-events.js';
import { createThrottle, type Throttle } from '../throttle/index.js';
import { throttleOutcome, trustedProxyList, type Metrics } from '../http/index.js';
import { bindFingerprintSessions, fingerprintRoutes, introspectionFingerprintCheck, ACCOUNT_PATH, type FingerprintDeps } from '../http/index.js';
import { activeComponents, collectorScript, createFingerprintService, createProfileStore, disclosure, policyOf, privacyPage, type FingerprintService, type OnOutcome } from '../fingerprint/index.js';
import { eraseUser, exportUser, inventoryForPeople } from '../privacy/index.js';
import { checkRiskFiles, startRisk, watchProvider } from './risk.js';
import type { RiskService } from '../risk/index.js';

export interface Issuer {
  url: string; server: Server; db: Database; keys: KeyStore; tokens: TokenService; log: Logger;
  /** issue 8: `emit(event)` for other areas, and the job runner */
  events: EventEmitter; jobs: Jobs;
  /** issue 6 */
  fingerprints: FingerprintService;
  /** issue 7: the risk service (issue 6 calls `risk.observeFingerprint`) */
  risk: RiskService;
  close(): Promise<void>;
}

/** What other areas plug into an issuer: jobs (issue 8) and the fingerprint outcome listener (issue 7, risk). */
export type IssuerExtensions = JobExtensions & { onFingerprintOutcome?: OnOutcome };

/** Builds every service and listens on config.host:config.port. */
/** Test seams: `now` (epoch ms) is the risk engine's clock (issue 7). */
export interface IssuerOptions { now?: () => number }

export async function startIssuer(config: Config, log: Logger = pino({ level: config.logLevel }), extensions: IssuerExtensions = {}, options: IssuerOptions = {}): Promise<Issuer> {
  const kek = resolveKek(config);
  const locate = await checkRiskFiles(config.risk); // issue 7: a bad IP list or RISK_GEOIP_DB stops start-up before any database work
  let throttle: Throttle | undefined; // issue 9
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema, log: (msg, fields) => log.info(fields ?? {}, msg) });
  let jobs: Jobs | undefined; // issue 8: stopped too if start-up fails later
  let riskService: { close(): void } | undefined; // issue 7
  try {
    await migrate(db.pool, { migrationsDir: MIGRATIONS_DIR, schema: db.schema });
    const keys = await createKeyStore({ db, kek, signingAlg: config.signingAlg, reloadIntervalSec: config.keyReloadInterval });
    const [handlePepper, clientPepper, cookieSecret] = await Promise.all(
      ['subject-handle', 'client-secret', 'cookie'].map((name) => deploymentSecret(db, kek, name)),
    );
    const csrfKey = await deploymentSecret(db, kek, 'csrf');
    const users = createUserService({ db, kek, issuer: config.issuer });
    const revocation = createRevocationService({ db, subjectCacheTtlSec: config.subjectCacheTtl });
    const baseTokens = createTokenService({
      issuer: config.issuer, keys, revocation, handlePepper, clockTolerance: config.clockTolerance,
      maxTokenLength: config.maxTokenLength, openCacheSize: config.openCacheSize, algorithms: ['ES256', 'EdDSA', 'PS256'],
      longestTtl: () => longestTokenTtl(db, config.accessTokenTtl),
    });
    // --- issue 8: jobs and security events ---
    const { onFingerprintOutcome, evaluators, purgeTasks } = extensions; // only these: a stray field must not override a job dependency
    jobs = await startIssuerJobs({
      config, db, kek, keys, revocation, handleOf: baseTokens.handleOf, log, evaluators, purgeTasks,
      onKeysChanged: async () => { await publishKeyChange(config.redisUrl); await keys.reload(); },
    });
    const { events } = jobs;
    const tokens = withSubjectEvents(baseTokens, events, log);
    // --- end issue 8 ---
    const metrics = createMetrics();
    const requests = createRequestStates();
    const limiter = throttle = await startThrottle(config, log, metrics); // issue 9
    const hooks = {
      issued: (kind: string) => metrics.tokensIssued.inc({ kind }),
      opened: (result: 'active' | 'inactive') => { const s = requests.of(providerRequest()); if (s) s.tokenResult = result; },
      revoked: async (t: RevokedToken) => {
        metrics.revocations.inc();
        await events.emit({ type: 'token.revoked', jti: t.jti, aud: t.aud, sub: t.sub, initiator: 'user' })
          .catch((err: unknown) => log.warn({ err: String(err) }, 'token.revoked event not stored'));
      },
    };
    const cookieKeys = [Buffer.from(cookieSecret).toString('base64url')];
    const binding = await createBindingDeps(config, db, kek, log); // issue 5: DPoP, mTLS
    const risk = await startRisk({ config, db, kek, log, metrics, users, tokens, queue: jobs.queue, now: options.now, locate }); // issue 7
    riskService = risk;
    binding.onDpopReplay = (client) => void risk.dpopReplayed(client, requests.of(providerRequest())?.risk?.ip).catch((err: unknown) => log.warn({ err: String(err) }, 'risk signal not recorded'));
    // --- issue 6: device fingerprints ---
    const clientRecord = createTtlCache((id: string) => findClient(db, id), 1000);
    const active = activeComponents(config.fingerprint.components, config.fingerprint.highEntropy);
    const fingerprints = createFingerprintService({
      store: createProfileStore(db), key: await deploymentSecret(db, kek, 'fingerprint'), active, onOutcome: fingerprintToRisk(risk, log, metrics, onFingerprintOutcome),
      thresholds: { match: config.fingerprint.match, drift: config.fingerprint.drift }, retentionSec: config.fingerprint.retention,
    });
    const fingerprintDeps: FingerprintDeps = { service: fingerprints, policy: async (id) => policyOf(await clientRecord(id)), mismatch: config.fingerprint.mismatch };
    const privacy = { db, handlePepper, keys: risk.keys };
    const fingerprintRoute = fingerprintRoutes({
      ...fingerprintDeps, issuer: config.issuer, tokens, script: collectorScript(active), clockTolerance: config.clockTolerance, accountAudience: `${config.issuer}/me`,
      disclosure: disclosure(config.issuer, active, config.fingerprint.retention), privacyPage: privacyPage(config.issuer, active, config.fingerprint.retention, inventoryForPeople(config)),
      exportUser: (id) => exportUser(privacy, id, 'user'),
      eraseUser: async (id) => {
        const keep = new Date(Date.now() + (await longestTokenTtl(db, config.accessTokenTtl) + config.clockTolerance) * 1000);
        const erased = await eraseUser({ ...privacy, revocation }, id, keep, 'user');
        if (erased) await events.emit({ type: 'subject.revoked', sub: id, generation: erased.generation, initiator: 'user' }).catch((err: unknown) => log.warn({ err: String(err) }, 'subject.revoked event not stored'));
        return erased;
      },
    });
    // --- end issue 6 ---
    const holder = createProviderHolder(keys, (signingJwk) => {
      const provider = createProvider({ config, db, signingJwk, cookieKeys, binding, users, fingerprints: fingerprintDeps, userLockedFor: risk.userLockedFor });
      bridgeProvider(provider, tokens, clientPepper, hooks);
      provider.use(bindFingerprintSessions(fingerprintDeps) as never); // issue 6
      watchProvider(provider, risk, requests, log); // issue 7: step-up answers, refresh reuse, DPoP replay at /token
      provider.use(throttleOutcome(limiter, requests)); // issue 9
      provider.on('server_error', (ctx: { state?: { requestId?: string } }, err: Error) => log.error({ err, requestId: ctx.state?.requestId }, 'oidc-provider server_error'));
      return provider;
    });
    const unsubscribe = await subscribeKeyChanges(config.redisUrl, () => keys.reload(), log);
    const fast = fastIntrospection({
      issuer: config.issuer, tokens, clientPepper, requests,
      client: clientRecord,
      resource: createTtlCache((aud) => findResource(db, aud), 1000),
    });
    const extraRoutes = [pollEndpoint({ db, keys, clientPepper }), streamEndpoint({ db, clientPepper, issuer: config.issuer }), fingerprintRoute]; // issue 8, issue 6
    const app = createApp({
      log, db, keys, metrics, holder, requests, fastIntrospection: fast, users, csrfKey, extraRoutes, metricsToken: config.metricsToken,
      guardedRoutes: [
        { path: POLL_PATH, kind: 'events' }, { path: STREAM_PATH, kind: 'events' }, { path: ACCOUNT_PATH, kind: 'account' }, // issue 9 for issues 8 and 6
        { path: '/session/end', kind: 'logout' }, { path: '/session/end/confirm', kind: 'logout' }, // oidc-provider verifies any id_token_hint there
      ],
      throttle: limiter, trustedProxies: trustedProxyList(config.trustedProxies),
      fingerprints: { interactions: fingerprintDeps, introspectionCheck: introspectionFingerprintCheck() }, risk, // issue 6, issue 7
    });
    const server = createListener(config, app); // issue 5: HTTPS when TLS_CERT_FILE is set
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(config.port, config.host, resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    log.info({ mode: config.mode, issuer: config.issuer, port }, 'portcullis issuer listening');
    return {
      url: `${config.tlsCertFile ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`, server, db, keys, tokens, log, events, jobs, fingerprints, risk,
      async close() {
        await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
        await jobs?.close();
        keys.close();
        await limiter.close();
        risk.close();
        await unsubscribe();
        await db.close();
      },
    };
  } catch (err) {
    await jobs?.close().catch(() => undefined);
    await throttle?.close().catch(() => undefined);
    riskService?.close();
    await db.close().catch(() => undefined);
    throw err;
  }
}

/** Throttling (issue 9): Redis-backed in cluster mode, memory in embedded mode; events go to metrics. */
function startThrottle(config: Config, log: Logger, metrics: Metrics): Promise<Throttle> {
  return createThrottle({
    config: config.throttle, log, namespace: config.databaseSchema,
    redisUrl: config.mode === 'cluster' ? config.redisUrl : undefined,
    events: {
      limited: (endpoint, key, reason) => metrics.throttled.inc({ endpoint, key, reason }),
      lockout: (endpoint, key) => metrics.lockouts.inc({ endpoint, key }),
      degraded: (on) => metrics.throttleDegraded.set(on ? 1 : 0),
      fallback: () => metrics.throttleFallbacks.inc(),
    },
  });
}

/**
 * Issue 6 -> issue 7: every fingerprint comparison that was not an exact match (drift,
 * mismatch) is a risk observation (velocity, new device, step-up); every one is counted
 * in /metrics. `also` is a caller's own listener (tests). A failing risk call is logged and never breaks verification.
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
