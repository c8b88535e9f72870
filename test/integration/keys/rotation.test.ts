import { createKeyStore, createMaster, ensureKeys, generateKek, masterAtVersion, parseKek, rotateMasters, rotateSigningKey } from '../../../src/keys/index.js';
import { createRevocationService } from '../../../src/revocation/index.js';
import { migrate, MIGRATIONS_DIR, openDatabase, type Database } from '../../../src/storage/index.js';
import { dropSchema, PG_URL, uniqueSchema } from '../storage/support.js';

const schema = uniqueSchema('keys');
const kek = parseKek(generateKek());
let db: Database;
const base = () => ({ db, kek, alg: 'ES256', retentionSec: 600 });
const states = async () => (await db.prisma.signingKey.findMany()).map((k) => k.state).sort();

beforeAll(async () => {
  db = await openDatabase({ databaseUrl: PG_URL, dataDir: '', schema });
  await migrate(db.pool, { migrationsDir: MIGRATIONS_DIR, schema });
});
afterAll(async () => {
  await db.close();
  await dropSchema(schema);
});

describe('signing key lifecycle', () => {
  it('creates one current and one next key once, even when asked concurrently', async () => {
    await Promise.all([ensureKeys(base()), ensureKeys(base()), ensureKeys(base())]);
    expect(await states()).toEqual(['current', 'next']);
  });

  it('promotes the published next key, keeps the old one published until retention, then drops it', async () => {
    const store = await createKeyStore({ db, kek, signingAlg: 'ES256', reloadIntervalSec: 3600 });
    const before = store.signingKey().kid;
    const nextKid = (await db.prisma.signingKey.findFirstOrThrow({ where: { state: 'next' } })).kid;
    expect(store.jwks().keys.map((k) => k.kid)).toContain(nextKid); // published before it signs
    const t0 = new Date();
    const r = await rotateSigningKey({ ...base(), now: t0 });
    expect(r).toMatchObject({ rotated: true, current: nextKid });
    await store.reload();
    expect(store.signingKey().kid).toBe(nextKid);
    expect(store.jwks().keys.map((k) => k.kid)).toEqual(expect.arrayContaining([before, nextKid, r.next]));
    expect(await store.verificationKey(before, 'ES256')).toBeDefined();
    const later = new Date(t0.getTime() + 601_000);
    const r2 = await rotateSigningKey({ ...base(), now: later });
    expect(r2.retired).toEqual([before]);
    await store.reload();
    expect(store.jwks().keys.map((k) => k.kid)).not.toContain(before);
    expect(await store.verificationKey(before, 'ES256')).toBeUndefined();
    store.close();
  });

  it('serialises concurrent rotations: always exactly one current and one next', async () => {
    await Promise.all([rotateSigningKey(base()), rotateSigningKey(base()), rotateSigningKey(base())]);
    const s = await states();
    expect(s.filter((x) => x === 'current')).toHaveLength(1);
    expect(s.filter((x) => x === 'next')).toHaveLength(1);
  });

  it('rotates only when due with ifDueAfterSec', async () => {
    const r = await rotateSigningKey({ ...base(), ifDueAfterSec: 3600 });
    expect(r.rotated).toBe(false);
  });

  it('stores private keys only encrypted under the KEK', async () => {
    const rows = await db.prisma.signingKey.findMany();
    for (const row of rows) {
      expect(row.privateJwk.startsWith('v1.')).toBe(true);
      expect(row.privateJwk).not.toContain('"d"');
      expect(JSON.stringify(row.publicJwk)).not.toContain('"d"');
    }
  });
});

describe('master secrets', () => {
  it('ratchets forward so the resource server derives each new version from the one it was given', async () => {
    const given = await createMaster({ db, kek, audience: 'https://api.example' });
    const t0 = new Date(Date.now() + 1000);
    expect(await rotateMasters({ ...base(), periodSec: 3600, now: t0 })).toEqual([]); // not due
    expect(await rotateMasters({ ...base(), periodSec: 3600, force: true, now: t0 })).toEqual(['https://api.example']);
    await rotateMasters({ ...base(), periodSec: 3600, force: true, now: t0 });
    const store = await createKeyStore({ db, kek, signingAlg: 'ES256', reloadIntervalSec: 3600 });
    const current = await store.currentMaster('https://api.example');
    expect(current?.version).toBe(2);
    expect(Buffer.from(masterAtVersion(given, 2)).equals(Buffer.from(current!.secret))).toBe(true);
    expect(await store.master('https://api.example', 0)).toBeDefined(); // kept until its tokens expire
    await rotateMasters({ ...base(), periodSec: 3600, now: new Date(t0.getTime() + 601_000) });
    await store.reload();
    expect(await store.master('https://api.example', 0)).toBeUndefined(); // destroyed after retention
    expect(await store.master('https://api.example', 2)).toBeDefined();
    store.close();
  });
});

describe('revocation state', () => {
  it('reads revocations and generations fresh and bumps generations atomically', async () => {
    const rev = createRevocationService({ db, subjectCacheTtlSec: 60 });
    expect(await rev.state('jti-1', 'handle-a', 0)).toBe('active');
    await rev.revokeToken('jti-1', new Date(Date.now() + 60_000));
    await rev.revokeToken('jti-1', new Date(Date.now() + 60_000)); // idempotent
    expect(await rev.state('jti-1', 'handle-a', 0)).toBe('revoked');
    const gens = await Promise.all([rev.bumpSubject('handle-b'), rev.bumpSubject('handle-b')]);
    expect(gens.sort()).toEqual([1, 2]);
    expect(await rev.state('jti-2', 'handle-b', 0)).toBe('stale-generation');
    expect(await rev.state('jti-2', 'handle-b', 2)).toBe('active');
    expect(await rev.purgeExpired(new Date(Date.now() + 120_000))).toBe(1);
  });
});
