import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectAdminDatabase, DataDirLockedError, migrate, openDatabase, type Database,
} from '../../../src/storage/index.js';
import { MIGRATIONS_DIR } from './support.js';

const SCHEMA = 'public';
let root: string;
let dataDir: string;
const logged: Array<{ msg: string; fields?: object }> = [];
const log = (msg: string, fields?: object) => { logged.push({ msg, fields }); };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'portcullis-embedded-'));
  dataDir = join(root, 'data');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('embedded PGlite', () => {
  let owner: Database;

  it('creates a private data dir, the owner lock and embedded.json', async () => {
    owner = await openDatabase({ dataDir, log });
    expect(owner.mode).toBe('embedded');
    expect(await mode(dataDir)).toBe(0o700);
    expect((await readFile(join(dataDir, 'owner.lock'), 'utf8')).trim()).toBe(String(process.pid));
    const info = JSON.parse(await readFile(join(dataDir, 'embedded.json'), 'utf8'));
    expect(info).toEqual({ pid: process.pid, port: expect.any(Number) });
    expect(await mode(join(dataDir, 'embedded.json'))).toBe(0o600);
    const opened = logged.find((entry) => entry.msg === 'storage.embedded.opened');
    console.info(`PGlite first open (initdb): ${JSON.stringify(opened?.fields)}`);
  });

  it('migrates once, then is a no-op', async () => {
    expect((await migrate(owner.pool, { migrationsDir: MIGRATIONS_DIR, schema: SCHEMA })).applied.length).toBeGreaterThanOrEqual(1);
    expect((await migrate(owner.pool, { migrationsDir: MIGRATIONS_DIR, schema: SCHEMA })).applied).toEqual([]);
  });

  it('refuses a second owner while the first runs', async () => {
    const second = openDatabase({ dataDir });
    await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(second).rejects.toThrow(`in use by process ${process.pid}`);
    expect(await readFile(join(dataDir, 'owner.lock'), 'utf8')).toContain(String(process.pid));
  });

  it('lets the admin CLI reach the running owner, both ways', async () => {
    const admin = await connectAdminDatabase({ dataDir });
    try {
      await admin.prisma.client.create({ data: { id: 'from-admin', metadata: { client_id: 'from-admin' } } });
      expect(await owner.prisma.client.findUnique({ where: { id: 'from-admin' } })).not.toBeNull();

      await owner.prisma.resourceServer.create({ data: { audience: 'https://api', scopes: 'read', accessTokenTtl: 300 } });
      expect(await admin.prisma.resourceServer.findUnique({ where: { audience: 'https://api' } })).not.toBeNull();
    } finally {
      await admin.close();
    }
    expect(await owner.prisma.client.count()).toBe(1); // the owner survives the admin leaving
  });

  it('releases everything on close; the admin then opens the directory itself', async () => {
    await owner.close();
    await expect(stat(join(dataDir, 'owner.lock'))).rejects.toThrow(/ENOENT/);
    await expect(stat(join(dataDir, 'embedded.json'))).rejects.toThrow(/ENOENT/);

    const admin = await connectAdminDatabase({ dataDir });
    try {
      expect(await admin.prisma.client.findUnique({ where: { id: 'from-admin' } })).not.toBeNull();
      expect((await readFile(join(dataDir, 'owner.lock'), 'utf8')).trim()).toBe(String(process.pid));
    } finally {
      await admin.close();
    }
  });

  it('reopens as owner after the admin is done', async () => {
    const started = Date.now();
    const again = await openDatabase({ dataDir });
    console.info(`PGlite reopen: ${Date.now() - started} ms`);
    try {
      expect(await again.prisma.resourceServer.count()).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('keeps a non-default schema apart inside the same PGlite', async () => {
    const app = await openDatabase({ dataDir, schema: 'app' });
    try {
      expect(await migrate(app.pool, { migrationsDir: MIGRATIONS_DIR, schema: 'app' })).toMatchObject({ applied: expect.arrayContaining([expect.stringMatching(/_init$/)]) });
      expect(await app.prisma.resourceServer.count()).toBe(0);
      await app.prisma.resourceServer.create({ data: { audience: 'https://app', scopes: '', accessTokenTtl: 60 } });
      const { rows } = await app.pool.query('SELECT count(*)::int AS n FROM public."ResourceServer"');
      expect(rows[0].n).toBe(1);
    } finally {
      await app.close();
    }
  });
});
