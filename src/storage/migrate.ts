import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { quoteSchema } from './schema-name.js';

/** Where migrations live and which schema they apply to. */
export interface MigrateOptions {
  /** Directory holding `<name>/migration.sql` (prisma/migrations). */
  migrationsDir: string;
  schema: string;
}

/** Thrown when an applied migration's file changed, or one failed earlier and was left unresolved. */
export class MigrationStateError extends Error {
  readonly code = 'ERR_MIGRATION_STATE';
  constructor(readonly migration: string, detail: string) {
    super(`migration ${migration}: ${detail}`);
    this.name = 'MigrationStateError';
  }
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/**
 * Applies pending migrations in name order, each in its own transaction under an
 * advisory transaction lock, so concurrent starters apply each migration exactly once.
 * Bookkeeping uses Prisma's `_prisma_migrations` table so `prisma migrate status` agrees.
 * @throws MigrationStateError when an applied migration's checksum no longer matches.
 */
export async function migrate(pool: pg.Pool, opts: MigrateOptions): Promise<{ applied: string[] }> {
  const schema = quoteSchema(opts.schema);
  const applied: string[] = [];
  for (const migration of await loadMigrations(opts.migrationsDir)) {
    if (await applyOne(pool, schema, migration)) applied.push(migration.name);
  }
  return { applied };
}

async function loadMigrations(dir: string): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(names.map(async (name) => {
    const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
    return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  }));
}

/**
 * Migrations may wait for another process's lock and rewrite large tables: they run
 * with their own deadline, not DATABASE_QUERY_TIMEOUT (client side) or the pool's
 * statement_timeout (server side).
 */
const MIGRATION_DEADLINE_MS = 30 * 60_000;

type Run = <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<pg.QueryResult<R>>;

async function applyOne(pool: pg.Pool, schema: string, migration: Migration): Promise<boolean> {
  const client = await pool.connect();
  // pg reads a per-query `query_timeout` (lib/client.js) that its types do not list
  const q: Run = (text, values) => client.query({ text, values, query_timeout: MIGRATION_DEADLINE_MS } as pg.QueryConfig) as never;
  try {
    await q('BEGIN');
    await q('SET LOCAL statement_timeout = 0');
    await prepare({ query: q }, schema);
    const pending = await isPending({ query: q }, schema, migration);
    if (pending) await run({ query: q }, schema, migration);
    await q('COMMIT');
    return pending;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Lock first: CREATE SCHEMA IF NOT EXISTS itself races between sessions. */
async function prepare(client: { query: Run }, schema: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(schema)]);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await client.query(`SET LOCAL search_path TO ${schema}`);
  // Same definition as Prisma's schema engine creates.
  await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
}

async function isPending(client: { query: Run }, schema: string, migration: Migration): Promise<boolean> {
  const { rows } = await client.query<{ checksum: string; finished: boolean }>(
    `SELECT checksum, finished_at IS NOT NULL AS finished FROM ${schema}."_prisma_migrations"
      WHERE migration_name = $1 AND rolled_back_at IS NULL`, [migration.name]);
  const row = rows[0];
  if (!row) return true;
  if (!row.finished) throw new MigrationStateError(migration.name, 'failed earlier; resolve it with `prisma migrate resolve`');
  if (row.checksum !== migration.checksum) {
    throw new MigrationStateError(migration.name, 'was modified after it was applied (checksum mismatch)');
  }
  return false;
}

async function run(client: { query: Run }, schema: string, migration: Migration): Promise<void> {
  await client.query(migration.sql);
  await client.query(
    `INSERT INTO ${schema}."_prisma_migrations"
      (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
      VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, now(), 1)`,
    [randomUUID(), migration.checksum, migration.name]);
}

/** A stable 64-bit advisory lock key per schema. */
function lockKey(schema: string): string {
  return createHash('sha256').update(`portcullis:migrate:${schema}`).digest().readBigInt64BE(0).toString();
}
