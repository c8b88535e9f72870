/**
 * Composition root: load configuration once, start the issuer, stop cleanly on
 * SIGINT/SIGTERM. A bad configuration exits with one line naming the variable.
 */
import { ConfigError, loadConfig } from './config/index.js';

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
  // Imported only now, so a bad configuration (an unsupported runtime included) gets its
  // one line before anything else loads.
  const { startIssuer } = await import('./server/index.js');
  const issuer = await startIssuer(config);
  const stop = async () => {
    issuer.log.info('shutting down');
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
