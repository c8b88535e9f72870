/**
 * `npm run worker`: a cluster-mode job worker in its own process (run as many as you
 * like). It runs the BullMQ processors (push delivery, key rotation, purge,
 * revalidation, sweep) and registers the schedules; issuers only add jobs.
 */
import { ConfigError, loadConfig, type Config } from './config/index.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
    if (!config.redisUrl) throw new ConfigError('REDIS_URL', 'is required by `npm run worker` (embedded mode runs jobs inside the issuer)');
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`portcullis worker: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const { startWorkerProcess } = await import('./server/index.js');
  const worker = await startWorkerProcess(config);
  const stop = async () => {
    await worker.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`portcullis worker: failed to start: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
