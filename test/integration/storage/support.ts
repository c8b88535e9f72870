import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';

/** The PostgreSQL these tests need (trust auth). */
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** prisma/migrations of this repository. */
export const MIGRATIONS_DIR = join(process.cwd(), 'prisma', 'migrations');

/** A schema name no other test file uses. */
export function uniqueSchema(prefix: string): string {
  return `t_${prefix}_${randomBytes(4).toString('hex')}`;
}

/** Runs SQL on a short-lived connection, explaining what is missing if PostgreSQL is down. */
export async function adminQuery(sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect().catch((error: Error) => {
    throw new Error(`these tests need PostgreSQL at ${PG_URL} (${error.message}); ` +
      'start it with: pg_ctlcluster --skip-systemctl-redirect 15 main start');
  });
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
