/**
 * Embedded mode: the revocation mirror skips its epoch read while nothing at all ran in
 * PGlite since its last one (QuietReads). That shortcut must never hide a write: a
 * revocation or generation bump made by another connection (the admin CLI attaches to
 * the issuer's socket), by the issuer's own pool, or by plain SQL is seen on the very
 * next check; and while nothing runs, checks cost no query.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRevocationMirror, createRevocationService } from '../../../src/revocation/index.js';
import { connectAdminDatabase, migrate, MIGRATIONS_DIR, openDatabase, type Database } from '../../../src/storage/index.js';

let root: string;
let owner: Database;
let admin: Database;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'portcullis-quiet-'));
  owner = await openDatabase({ dataDir: root });
  await migrate(owner.pool, { migrationsDir: MIGRATIONS_DIR, schema: 'public' });
  admin = await connectAdminDatabase({ dataDir: root });
});
afterAll(async () => {
  await admin?.close();
  await owner?.close();
  await rm(root, { recursive: true, force: true });
});

/** The owner database with its pool's queries counted. */
function counted(db: Database) {
  const view = { queries: 0, db: { ...db, pool: { query: (...args: unknown[]) => {
    view.queries += 1;
    return (db.pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
  } } } as unknown as Database };
  return view;
}

const soon = () => new Date(Date.now() + 60_000);

describe('embedded revocation mirror', () => {
  it('only the embedded owner has the quiet-read shortcut', () => {
    expect(owner.quiet).toBeDefined();
    expect(admin.quiet).toBeUndefined();
  });

  it('skips the read while nothing runs, and sees every kind of write on the next check', async () => {
    const view = counted(owner);
    const mirror = createRevocationMirror({ db: view.db });
    await mirror.fresh(); // first load
    await mirror.fresh(); // one epoch read: the tagged read runs for the first time
    const before = view.queries;
    for (let i = 0; i < 20; i += 1) await mirror.fresh();
    expect(view.queries).toBe(before); // nothing ran in PGlite: no query at all

    // another connection (what the admin CLI does): seen on the very next check
    await createRevocationService({ db: admin, subjectCacheTtlSec: 0 }).revokeToken('jti-admin', soon());
    await mirror.fresh();
    expect(mirror.isRevoked('jti-admin')).toBe(true);
    expect(view.queries).toBeGreaterThan(before);

    await createRevocationService({ db: admin, subjectCacheTtlSec: 0 }).bumpSubject('sh-admin');
    await mirror.fresh();
    expect(mirror.generation('sh-admin')).toBe(1);

    // the owner's own pool
    await createRevocationService({ db: owner, subjectCacheTtlSec: 0 }).revokeToken('jti-owner', soon());
    await mirror.fresh();
    expect(mirror.isRevoked('jti-owner')).toBe(true);

    // plain SQL through the socket
    await admin.pool.query('INSERT INTO "Revocation" (jti, "expiresAt") VALUES ($1, $2)', ['jti-sql', soon()]);
    await mirror.fresh();
    expect(mirror.isRevoked('jti-sql')).toBe(true);
    expect(mirror.isRevoked('jti-never')).toBe(false);
  });

  it('a read unrelated to revocations also ends the quiet period (conservative), and the next check reads again', async () => {
    const view = counted(owner);
    const mirror = createRevocationMirror({ db: view.db });
    await mirror.fresh();
    await mirror.fresh();
    const quietAt = view.queries;
    await mirror.fresh();
    expect(view.queries).toBe(quietAt);
    await admin.pool.query('SELECT 1');
    await mirror.fresh();
    expect(view.queries).toBe(quietAt + 1);
  });

  it('only the exact tagged read counts as one: a write that carries the tag is still seen', async () => {
    const mirror = createRevocationMirror({ db: owner });
    await mirror.fresh();
    await mirror.fresh();
    await admin.pool.query(`INSERT INTO "Revocation" (jti, "expiresAt") VALUES ('jti-disguised', now() + interval '1 minute'); SELECT value::text AS value FROM "RevocationEpoch" WHERE id = 1 /* portcullis:quiet-read */`);
    await mirror.fresh();
    expect(mirror.isRevoked('jti-disguised')).toBe(true);
  });
});
