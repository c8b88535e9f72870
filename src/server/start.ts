/**
 * Starts one issuer process: database (embedded or cluster), migrations, keys,
 * services and the HTTP listener. main.ts calls this; so do tests and the benchmark.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type Server } from 'node:http';
import { pino, type Logger } from 'pino';
import type { Config } from '../config/index.js';
import { createTokenService, type TokenService } from '../access-tokens/index.js';
import { createApp, createMetrics, createProvider, createProviderHolder, bridgeProvider, type RequestState } from '../http/index.js';
import { createKeyStore, deploymentSecret, resolveKek, subscribeKeyChanges, type KeyStore } from '../keys/index.js';
import { createRevocationService } from '../revocation/index.js';
import { MIGRATIONS_DIR, migrate, openDatabase, type Database } from '../storage/index.js';
import { createThrottle, type Throttle } from '../throttle/index.js';
import { throttleOutcome, trustedProxyList, type Metrics } from '../http/index.js';

export interface Issuer { url: string; server: Server; db: Database; keys: KeyStore; tokens: TokenService; log: Logger; close(): Promise<void> }

/** Builds every service and listens on config.host:config.port. */
export async function startIssuer(config: Config, log: Logger = pino({ level: config.logLevel })): Promise<Issuer> {
  const kek = resolveKek(config);
  let throttle: Throttle | undefined; // issue 9
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema, log: (msg, fields) => log.info(fields ?? {}, msg) });
  try {
    await migrate(db.pool, { migrationsDir: MIGRATIONS_DIR, schema: db.schema });
    const keys = await createKeyStore({ db, kek, signingAlg: config.signingAlg, reloadIntervalSec: config.keyReloadInterval });
    const [handlePepper, clientPepper, cookieSecret] = await Promise.all(
      ['subject-handle', 'client-secret', 'cookie'].map((name) => deploymentSecret(db, kek, name)),
    );
    const revocation = createRevocationService({ db, subjectCacheTtlSec: config.subjectCacheTtl });
    const tokens = createTokenService({
      issuer: config.issuer, keys, revocation, handlePepper, clockTolerance: config.clockTolerance,
      maxTokenLength: config.maxTokenLength, openCacheSize: config.openCacheSize, algorithms: ['ES256', 'EdDSA', 'PS256'],
    });
    const metrics = createMetrics();
    const requests = new AsyncLocalStorage<RequestState>();
    const limiter = throttle = await startThrottle(config, log, metrics); // issue 9
    const hooks = {
      issued: (kind: string) => metrics.tokensIssued.inc({ kind }),
      opened: (result: 'active' | 'inactive') => { const s = requests.getStore(); if (s) s.tokenResult = result; },
      revoked: () => metrics.revocations.inc(),
    };
    const cookieKeys = [Buffer.from(cookieSecret).toString('base64url')];
    const holder = createProviderHolder(keys, (signingJwk) => {
      const provider = createProvider({ config, db, signingJwk, cookieKeys });
      bridgeProvider(provider, tokens, clientPepper, hooks);
      provider.use(throttleOutcome(limiter, requests)); // issue 9
      provider.on('server_error', (ctx: { state?: { requestId?: string } }, err: Error) => log.error({ err, requestId: ctx.state?.requestId }, 'oidc-provider server_error'));
      return provider;
    });
    const unsubscribe = await subscribeKeyChanges(config.redisUrl, () => keys.reload(), log);
    const app = createApp({ log, db, keys, metrics, holder, requests, throttle: limiter, trustedProxies: trustedProxyList(config.trustedProxies) });
    const server = createServer(app.callback());
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(config.port, config.host, resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    log.info({ mode: config.mode, issuer: config.issuer, port }, 'portcullis issuer listening');
    return {
      url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`, server, db, keys, tokens, log,
      async close() {
        await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
        keys.close();
        await limiter.close();
        await unsubscribe();
        await db.close();
      },
    };
  } catch (err) {
    await throttle?.close().catch(() => undefined);
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
