import type { Config } from '../../src/config/index.js';
import { deploymentSecret, resolveKek } from '../../src/keys/index.js';
import { pseudonymiseRiskRecords } from '../../src/privacy/index.js';
import { loadSubjectKeys, type SubjectKeys } from '../../src/risk/index.js';
import { connectAdminDatabase, migrate, MIGRATIONS_DIR, type Database } from '../../src/storage/index.js';

export interface AdminContext {
  config: Config;
  db: Database;
  kek: Uint8Array;
  secret(name: string): Promise<Uint8Array>;
  /** the risk engine's pseudonymous subject keys (what `events list --subject` looks people up by) */
  subjectKeys(): Promise<SubjectKeys>;
  close(): Promise<void>;
}

/**
 * Connects to the database the issuer uses (the running issuer's, in embedded mode),
 * applies pending migrations and rekeys risk rows an earlier release stored in clear
 * (the CLI may run before any issuer of this release did).
 */
export async function openAdminContext(config: Config): Promise<AdminContext> {
  const kek = resolveKek(config);
  const db = await connectAdminDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema, timeouts: config.databaseTimeouts });
  let keys: SubjectKeys;
  try {
    await migrate(db.pool, { migrationsDir: MIGRATIONS_DIR, schema: db.schema });
    keys = await loadSubjectKeys(db, kek);
    await pseudonymiseRiskRecords(db, keys);
  } catch (err) {
    await db.close();
    throw err;
  }
  return { config, db, kek, secret: (name) => deploymentSecret(db, kek, name), subjectKeys: async () => keys, close: () => db.close() };
}
