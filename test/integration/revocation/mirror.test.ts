/**
 * The in-memory revocation mirror must never answer from state older than the call:
 * two "processes" (two pools on one PostgreSQL schema) see each other's writes on the
 * very next check, even when a sync that read before the write is still in flight.
 */
import { createRevocationMirror, createRevocationService } from '../../../src/revocation/index.js';
import { migrate, MIGRATIONS_DIR, openDatabase, type Database } from '../../../src/storage/index.js';
import { dropSchema, PG_URL, uniqueSchema } from '../storage/support.js';

const schema = uniqueSchema('mirror');
let writer: Database;
let reader: Database;

beforeAll(async () => {
  writer = await openDatabase({ databaseUrl: PG_URL, dataDir: '', schema });
  await migrate(writer.pool, { migrationsDir: MIGRATIONS_DIR, schema });
  reader = await openDatabase({ databaseUrl: PG_URL, dataDir: '', schema });
});
afterAll(async () => {
  await Promise.all([writer.close(), reader.close()]);
  await dropSchema(schema);
});

/** A view of `db` whose queries can be held after they have read, counting them. */
function gated(db: Database) {
  let release: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  let readDone: () => void = () => undefined;
  let read: Promise<void> = Promise.resolve();
  const view = {
    queries: 0,
    hold() {
      gate = new Promise<void>((resolve) => { release = resolve; });
      read = new Promise<void>((resolve) => { readDone = resolve; });
    },
    release() { gate = undefined; release(); },
    /** Resolves once a query made while held has read its rows (its answer is then held back). */
    heldRead: () => read,
    db: { ...db, pool: { query: async (...args: unknown[]) => {
      view.queries += 1;
      const held = gate;
      const result = await (db.pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
      if (held) readDone();
      await held;
      return result;
    } } } as unknown as Database,
  };
  return view;
}

const soon = () => new Date(Date.now() + 60_000);

describe('revocation mirror', () => {
  it('sees another process\'s revocation and generation bump on the next check', async () => {
    const mirror = createRevocationMirror({ db: reader });
    const other = createRevocationService({ db: writer, subjectCacheTtlSec: 0 });
    await mirror.fresh();
    expect(mirror.isRevoked('jti-a')).toBe(false);
    expect(mirror.generation('sh-a')).toBe(0);

    await other.revokeToken('jti-a', soon());
    await other.bumpSubject('sh-a');
    await other.bumpSubject('sh-a');
    await mirror.fresh();
    expect(mirror.isRevoked('jti-a')).toBe(true);
    expect(mirror.isRevoked('jti-b')).toBe(false);
    expect(mirror.generation('sh-a')).toBe(2);
  });

  it('never lets a check started after a write use a sync that read before it', async () => {
    const view = gated(reader);
    const mirror = createRevocationMirror({ db: view.db });
    await mirror.fresh();
    view.hold();
    const early = mirror.fresh(); // its read happens now, before the write below
    await view.heldRead();
    await createRevocationService({ db: writer, subjectCacheTtlSec: 0 }).revokeToken('jti-race', soon());
    const late = mirror.fresh(); // called after the write: must not reuse the early read
    view.release();
    await early;
    await late;
    expect(mirror.isRevoked('jti-race')).toBe(true);
  });

  it('shares one sync among checks that arrive while one is running', async () => {
    const view = gated(reader);
    const mirror = createRevocationMirror({ db: view.db });
    await mirror.fresh();
    const before = view.queries;
    view.hold();
    const first = mirror.fresh();
    const waiters = Array.from({ length: 50 }, () => mirror.fresh());
    view.release();
    await Promise.all([first, ...waiters]);
    expect(view.queries - before).toBe(2); // the running sync, then one for all 50 waiters
  });

  it('stamps epochs on writes made outside Portcullis code (plain SQL), so nothing bypasses the mirror', async () => {
    const mirror = createRevocationMirror({ db: reader });
    await mirror.fresh();
    await writer.pool.query(`INSERT INTO "Revocation" (jti, "expiresAt") VALUES ('jti-sql', now() + interval '1 minute')`);
    await writer.pool.query(`UPDATE "SubjectKey" SET generation = generation + 5 WHERE handle = 'sh-a'`);
    await mirror.fresh();
    expect(mirror.isRevoked('jti-sql')).toBe(true);
    expect(mirror.generation('sh-a')).toBe(7);
  });

  it('propagates a failed sync to the caller instead of answering from old state', async () => {
    const broken = { ...reader, pool: { query: async () => { throw new Error('connection lost'); } } } as unknown as Database;
    await expect(createRevocationMirror({ db: broken }).fresh()).rejects.toThrow('connection lost');
  });
});
