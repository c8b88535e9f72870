/**
 * Composition root: load configuration once, then either supervise WEB_CONCURRENCY
 * issuer processes (node:cluster primary) or be one issuer, stopping cleanly on
 * SIGINT/SIGTERM (requests in flight finish within SHUTDOWN_GRACE). A bad configuration
 * exits with one line naming the variable.
 */
import cluster from 'node:cluster';
import { ConfigError, loadConfig, type Config } from './config/index.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`portcullis: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (config.workers > 1 && cluster.isPrimary) await supervisor(config);
  else await issuer(config);
}

async function supervisor(config: Config): Promise<void> {
  const [{ supervise }, { pino }] = await Promise.all([import('./supervisor/index.js'), import('pino')]);
  // a retiring worker drains for SHUTDOWN_GRACE, then closes its services: give it that and 10 s more
  await supervise({ workers: config.workers, log: pino({ level: config.logLevel }), stopMs: config.shutdownGraceMs + 10_000 });
}

async function issuer(config: Config): Promise<void> {
  // Imported only now, so a bad configuration (an unsupported runtime included) gets its
  // one line before anything else loads.
  const [{ startIssuer }, { drain }] = await Promise.all([import('./server/index.js'), import('./supervisor/index.js')]);
  const issuer = await startIssuer(config);
  const stop = async () => {
    issuer.log.info('shutting down');
    await drain(issuer.server, config.shutdownGraceMs);
    await issuer.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`portcullis: failed to start: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
