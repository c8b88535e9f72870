import type { Config } from '../../src/config/index.js';
import { deploymentSecret, resolveKek } from '../../src/keys/index.js';
import { connectAdminDatabase, migrate, MIGRATIONS_DIR, type Database } from '../../src/storage/index.js';

export interface AdminContext {
  config: Config;
  db: Database;
  kek: Uint8Array;
  secret(name: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Connects to the database the issuer uses (the running issuer's, in embedded mode). */
export async function openAdminContext(config: Config): Promise<AdminContext> {
  const kek = resolveKek(config);
  const db = await connectAdminDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
  try {
    await migrate(db.pool, { migrationsDir: MIGRATIONS_DIR, schema: db.schema });
  } catch (err) {
    await db.close();
    throw err;
  }
  return { config, db, kek, secret: (name) => deploymentSecret(db, kek, name), close: () => db.close() };
}
