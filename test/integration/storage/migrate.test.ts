import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, MigrationStateError } from '../../../src/storage/index.js';
import { MIGRATIONS_DIR, PG_URL, dropSchema, uniqueSchema } from './support.js';

const INIT = '20261125000000_init';
/** Every migration directory, in the order they apply. */
const ALL = readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const schemas: string[] = [];
const pools: pg.Pool[] = [];

function freshSchema(): string {
  const schema = uniqueSchema('migrate');
  schemas.push(schema);
  return schema;
}

function newPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
  pools.push(pool);
  return pool;
}

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await Promise.all(schemas.map(dropSchema));
});

describe('migrate on PostgreSQL', () => {
  it('applies each migration once, then is a no-op, keeping Prisma bookkeeping', async () => {
    const schema = freshSchema();
    const pool = newPool();
    expect(await migrate(pool, { migrationsDir: MIGRATIONS_DIR, schema })).toEqual({ applied: ALL });
    expect(await migrate(pool, { migrationsDir: MIGRATIONS_DIR, schema })).toEqual({ applied: [] });

    const { rows } = await pool.query(`SELECT * FROM "${schema}"."_prisma_migrations" ORDER BY migration_name`);
    const sql = await readFile(join(MIGRATIONS_DIR, INIT, 'migration.sql'));
    expect(rows.map((r) => r.migration_name)).toEqual(ALL);
    expect(rows[0]).toMatchObject({
      migration_name: INIT, applied_steps_count: 1, logs: null, rolled_back_at: null,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
    expect(rows[0].id).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows[0].finished_at).toBeInstanceOf(Date);
    await pool.query(`SELECT 1 FROM "${schema}"."OidcPayload" LIMIT 0`);
  });

  it('lets concurrent starters race on a fresh schema without applying twice', async () => {
    const schema = freshSchema();
    const results = await Promise.all([newPool(), newPool(), newPool()]
      .map((pool) => migrate(pool, { migrationsDir: MIGRATIONS_DIR, schema })));

    expect(results.flatMap((r) => r.applied).sort()).toEqual(ALL);
    const { rows } = await pools[0].query(`SELECT count(*)::int AS n FROM "${schema}"."_prisma_migrations"`);
    expect(rows[0].n).toBe(ALL.length);
  });

  it('names the migration whose file changed after it was applied', async () => {
    const schema = freshSchema();
    const pool = newPool();
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-migrations-'));
    try {
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await migrate(pool, { migrationsDir: dir, schema });
      await appendFile(join(dir, INIT, 'migration.sql'), '\n-- edited\n');

      const failure = migrate(pool, { migrationsDir: dir, schema });
      await expect(failure).rejects.toBeInstanceOf(MigrationStateError);
      await expect(failure).rejects.toThrow(`migration ${INIT}: was modified after it was applied`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rolls a failing migration back and records nothing', async () => {
    const schema = freshSchema();
    const pool = newPool();
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-migrations-'));
    try {
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await cp(join(dir, INIT), join(dir, '99991231000000_broken'), { recursive: true });
      await expect(migrate(pool, { migrationsDir: dir, schema })).rejects.toThrow(/already exists/);

      const { rows } = await pool.query(`SELECT migration_name FROM "${schema}"."_prisma_migrations" ORDER BY migration_name`);
      expect(rows.map((r) => r.migration_name)).toEqual(ALL);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
