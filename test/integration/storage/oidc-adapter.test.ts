import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createOidcAdapter, migrate, openDatabase, type Database, type OidcAdapterClass,
} from '../../../src/storage/index.js';
import { MIGRATIONS_DIR, PG_URL, dropSchema, uniqueSchema } from './support.js';

const schema = uniqueSchema('adapter');
let db: Database;
let dataDir: string;
let clock = Date.parse('2026-11-25T12:00:00Z');
let Adapter: OidcAdapterClass;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'portcullis-adapter-'));
  db = await openDatabase({ databaseUrl: PG_URL, dataDir, schema });
  await migrate(db.pool, { migrationsDir: MIGRATIONS_DIR, schema });
  Adapter = createOidcAdapter(db.prisma, { now: () => clock, idKey: new Uint8Array(randomBytes(32)) });
});

afterAll(async () => {
  await db?.close();
  await dropSchema(schema);
  await rm(dataDir, { recursive: true, force: true });
});

describe('oidc-provider adapter on PostgreSQL (cluster mode)', () => {
  it('uses the cluster and the requested schema', async () => {
    expect(db.mode).toBe('cluster');
    const { rows } = await db.pool.query('SELECT current_schema() AS s');
    expect(rows[0].s).toBe(schema);
  });

  it('upserts, finds and destroys per model name', async () => {
    const sessions = new Adapter('Session');
    const grants = new Adapter('Grant');
    await sessions.upsert('s1', { jti: 's1', uid: 'u1', kind: 'Session' }, 60);
    await sessions.upsert('s1', { jti: 's1', uid: 'u1', kind: 'Session', accountId: 'alice' }, 60);

    expect(await sessions.find('s1')).toEqual({ jti: 's1', uid: 'u1', kind: 'Session', accountId: 'alice' });
    expect(await grants.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('u1')).toMatchObject({ jti: 's1' });

    await sessions.destroy('s1');
    expect(await sessions.find('s1')).toBeUndefined();
    await sessions.destroy('s1'); // destroying what is gone is fine
  });

  it('never returns expired rows; no expiresIn means no expiry', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('c1', { jti: 'c1' }, 10);
    await codes.upsert('c2', { jti: 'c2' });
    clock += 9_000;
    expect(await codes.find('c1')).toBeDefined();
    clock += 1_000;
    expect(await codes.find('c1')).toBeUndefined();
    expect(await codes.find('c2')).toEqual({ jti: 'c2' });
  });

  it('marks consumption with epoch seconds', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('c3', { jti: 'c3' }, 60);
    expect((await codes.find('c3'))?.consumed).toBeUndefined();
    await codes.consume('c3');
    expect(await codes.find('c3')).toEqual({ jti: 'c3', consumed: Math.floor(clock / 1000) });
  });

  it('stores codes and refresh tokens under a keyed hash, without their value in the payload', async () => {
    const refresh = new Adapter('RefreshToken');
    await refresh.upsert('r-value', { jti: 'r-value', grantId: 'g9', kind: 'RefreshToken' }, 60);
    const row = await db.prisma.oidcPayload.findFirstOrThrow({ where: { model: 'RefreshToken', grantId: 'g9' } });
    expect(row.id).not.toContain('r-value');
    expect(JSON.stringify(row.payload)).not.toContain('r-value');
    expect(await refresh.find('r-value')).toEqual({ jti: 'r-value', grantId: 'g9', kind: 'RefreshToken' });
    expect(await refresh.find(row.id)).toBeUndefined();
    const unkeyed = new (createOidcAdapter(db.prisma))('RefreshToken');
    await expect(unkeyed.upsert('r2', { jti: 'r2' }, 60)).rejects.toThrow(TypeError);
    expect(await unkeyed.find('r-value')).toBeUndefined();
  });

  it('finds no device code by user code: its value is not stored to hand back (the device flow is off)', async () => {
    const devices = new Adapter('DeviceCode');
    await devices.upsert('d1', { jti: 'd1', userCode: 'ABCD-EFGH' }, 60);
    expect(await devices.find('d1')).toMatchObject({ jti: 'd1', userCode: 'ABCD-EFGH' });
    expect(await devices.findByUserCode('ABCD-EFGH')).toBeUndefined();
  });

  it('revokes everything issued under a grant, and nothing else', async () => {
    const refresh = new Adapter('RefreshToken');
    const codes = new Adapter('AuthorizationCode');
    const interactions = new Adapter('Interaction');
    await refresh.upsert('r1', { jti: 'r1', grantId: 'g1' }, 60);
    await codes.upsert('c4', { jti: 'c4', grantId: 'g1' }, 60);
    await refresh.upsert('r2', { jti: 'r2', grantId: 'g2' }, 60);
    await interactions.upsert('i1', { jti: 'i1', grantId: 'g1' }, 60);

    await refresh.revokeByGrantId('g1');
    expect(await refresh.find('r1')).toBeUndefined();
    expect(await codes.find('c4')).toBeUndefined();
    expect(await refresh.find('r2')).toBeDefined();
    expect(await interactions.find('i1')).toBeDefined();
  });

  it('keeps clients in the Client table', async () => {
    const clients = new Adapter('Client');
    await db.prisma.client.create({ data: { id: 'app', metadata: { client_id: 'app', redirect_uris: [] } } });
    expect(await clients.find('app')).toEqual({ client_id: 'app', redirect_uris: [] });

    await clients.upsert('dyn', { client_id: 'dyn' }, 0);
    expect(await db.prisma.client.findUnique({ where: { id: 'dyn' } })).toMatchObject({ metadata: { client_id: 'dyn' } });
    expect(await db.prisma.oidcPayload.count({ where: { model: 'Client' } })).toBe(0);

    await clients.destroy('dyn');
    expect(await clients.find('dyn')).toBeUndefined();
  });
});
