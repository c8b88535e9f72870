/**
 * Starts one job worker process (cluster mode): database, key store, revocation and
 * the BullMQ workers. Keys are reloaded on the same Redis notices as issuers, so SETs
 * are always signed with the current key.
 */
import { pino, type Logger } from 'pino';
import type { Config } from '../config/index.js';
import { createKeyStore, deploymentSecret, publishKeyChange, resolveKek, subjectHandle, subscribeKeyChanges } from '../keys/index.js';
import { startClusterWorkers, type JobExtensions } from '../jobs/index.js';
import { createRevocationService } from '../revocation/index.js';
import { MIGRATIONS_DIR, migrate, openDatabase } from '../storage/index.js';
import type { EventEmitter } from '../events/index.js';

export interface WorkerProcess { events: EventEmitter; log: Logger; close(): Promise<void> }

/** Opens what the processors need and starts consuming jobs. */
export async function startWorkerProcess(config: Config, log: Logger = pino({ level: config.logLevel }), extensions: JobExtensions = {}): Promise<WorkerProcess> {
  const kek = resolveKek(config);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
  try {
    await migrate(db.pool, { migrationsDir: MIGRATIONS_DIR, schema: db.schema });
    const keys = await createKeyStore({ db, kek, signingAlg: config.signingAlg, reloadIntervalSec: config.keyReloadInterval });
    const pepper = await deploymentSecret(db, kek, 'subject-handle');
    const revocation = createRevocationService({ db, subjectCacheTtlSec: config.subjectCacheTtl });
    const unsubscribe = await subscribeKeyChanges(config.redisUrl, config.redisTimeouts, () => keys.reload(), log);
    const workers = await startClusterWorkers({
      config, db, kek, keys, revocation, log, ...extensions, handleOf: (sub) => subjectHandle(pepper, sub),
      onKeysChanged: async () => { await publishKeyChange(config.redisUrl, config.redisTimeouts); await keys.reload(); },
    });
    log.info({ prefix: config.jobQueuePrefix }, 'portcullis worker running');
    return {
      events: workers.events, log,
      async close() {
        await workers.close();
        await unsubscribe();
        keys.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
