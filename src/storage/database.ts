import { chmod, mkdir } from 'node:fs/promises';
import type pg from 'pg';
import type { PrismaClient } from './prisma-client/client.js';
import { connectPg, type PgConnection, type PgTimeouts } from './pg-connection.js';
import { quoteSchema } from './schema-name.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { readLiveEmbeddedInfo, removeEmbeddedInfo, writeEmbeddedInfo } from './embedded-info.js';
import { socketUrl, startEmbeddedServer, type Notices, type QuietReads } from './embedded-server.js';

/** An open database: Prisma for queries, the pool for migrations and raw SQL. */
export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  /** embedded: PGlite under dataDir; cluster: an external PostgreSQL. */
  mode: 'embedded' | 'cluster';
  schema: string;
  /** embedded owner only: tells whether anything ran in PGlite since a tagged read (embedded-server.ts) */
  quiet?: QuietReads;
  /** embedded owner only: NOTIFY sent by any connection, the admin CLI's included (embedded-server.ts) */
  notices?: Notices;
  /** Closes connections; as embedded owner also stops PGlite and releases the lock. */
  close(): Promise<void>;
}

/** Where the database lives. */
export interface DatabaseOptions {
  /** postgres:// URL of a cluster; absent means embedded PGlite under dataDir. */
  databaseUrl?: string;
  /** Directory of the embedded database (created 0700). */
  dataDir: string;
  /** PostgreSQL schema for all tables (default 'public'). */
  schema?: string;
  log?: (msg: string, fields?: object) => void;
  /** deadlines of connections and queries (absent: none) */
  timeouts?: PgTimeouts;
}

/**
 * Opens the issuer's database: a cluster when databaseUrl is set, otherwise the
 * embedded PGlite, owned exclusively by this process and served on loopback so the
 * admin CLI can reach it while the issuer runs.
 * @throws DataDirLockedError when another live process owns dataDir.
 */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const schema = checkOptions(opts);
  if (opts.databaseUrl) return asDatabase(connectPg(opts.databaseUrl, schema, 10, opts.timeouts), 'cluster', schema);
  return openEmbeddedOwner(opts, schema);
}

/**
 * Opens the database for the admin CLI. Embedded: connects to the running issuer's
 * socket when embedded.json names a live owner (its changes are seen immediately),
 * otherwise becomes the owner itself.
 */
export async function connectAdminDatabase(opts: DatabaseOptions): Promise<Database> {
  const schema = checkOptions(opts);
  if (opts.databaseUrl) return openDatabase(opts);
  const live = await readLiveEmbeddedInfo(opts.dataDir);
  if (!live) return openEmbeddedOwner(opts, schema);
  opts.log?.('storage.embedded.attached', { pid: live.pid, port: live.port });
  return asDatabase(connectPg(socketUrl(opts.dataDir), schema, 2, opts.timeouts), 'embedded', schema);
}

function checkOptions(opts: DatabaseOptions): string {
  const schema = opts.schema ?? 'public';
  quoteSchema(schema);
  if (opts.databaseUrl && !/^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
    throw new TypeError('storage.databaseUrl: expected a postgres:// or postgresql:// URL');
  }
  if (!opts.databaseUrl && !opts.dataDir) throw new TypeError('storage.dataDir: required in embedded mode');
  return schema;
}

async function openEmbeddedOwner(opts: DatabaseOptions, schema: string): Promise<Database> {
  const log = opts.log ?? (() => undefined);
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  await chmod(opts.dataDir, 0o700);
  const release = await acquireDataDirLock(opts.dataDir);
  const cleanup = [release];
  try {
    const server = await startEmbeddedServer(opts.dataDir, log);
    cleanup.unshift(server.stop);
    // One connection: PGlite is a single backend session, and two connections using the
    // extended protocol at once clobber each other's unnamed prepared statement ("bind
    // message supplies 5 parameters, but prepared statement "" requires 2"), seen once
    // background jobs queried while requests ran. PGlite runs one query at a time anyway.
    const conn = connectPg(socketUrl(opts.dataDir), schema, 1, opts.timeouts);
    cleanup.unshift(conn.close, () => removeEmbeddedInfo(opts.dataDir));
    await writeEmbeddedInfo(opts.dataDir, { pid: process.pid, port: server.port });
    return { ...asDatabase({ ...conn, close: () => runAll(cleanup) }, 'embedded', schema), quiet: server.quiet, notices: server.notices };
  } catch (error) {
    await runAll(cleanup);
    throw error;
  }
}

/** Runs every step even if one fails, then rethrows the first failure. */
async function runAll(steps: Array<() => Promise<void>>): Promise<void> {
  let failure: unknown;
  for (const step of steps) await step().catch((error: unknown) => { failure ??= error; });
  if (failure) throw failure;
}

function asDatabase(conn: PgConnection, mode: Database['mode'], schema: string): Database {
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= conn.close());
  return { prisma: conn.prisma, pool: conn.pool, mode, schema, close };
}
