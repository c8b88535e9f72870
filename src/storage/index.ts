/**
 * Storage: the database (embedded PGlite or a PostgreSQL cluster, one schema for
 * both), its migrations, and oidc-provider's adapter over Prisma.
 */
export { openDatabase, connectAdminDatabase } from './database.js';
export type { Database, DatabaseOptions } from './database.js';
export { DataDirLockedError } from './data-dir-lock.js';
export { notify } from './notify.js';
export type { Notices } from './embedded-server.js';
export { migrate, MigrationStateError } from './migrate.js';
export type { MigrateOptions } from './migrate.js';
export { createOidcAdapter } from './oidc-adapter.js';
export type { OidcAdapter, OidcAdapterClass, OidcAdapterOptions, OidcAdapterPayload } from './oidc-adapter.js';
export type { PrismaClient } from './prisma-client/client.js';
export { MIGRATIONS_DIR } from './migrations-dir.js';
export { createReplayStore } from './replay-store.js';
export type { PgTimeouts } from './pg-connection.js';
export { createDatabaseHealth } from './health.js';
export type { DatabaseHealth } from './health.js';
export { isDatabaseUnavailable } from './unavailable.js';
