import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock, DataDirLockedError } from '../../../src/storage/data-dir-lock.js';

/** Above Linux's pid_max ceiling (2^22), so never a live process. */
const DEAD_PID = 99_999_999;
let dir: string;

beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'portcullis-lock-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const lockFile = () => join(dir, 'owner.lock');

describe('acquireDataDirLock', () => {
  it('creates owner.lock with our pid, private, and removes it on release', async () => {
    const release = await acquireDataDirLock(dir);
    expect((await readFile(lockFile(), 'utf8')).trim()).toBe(String(process.pid));
    expect((await stat(lockFile())).mode & 0o777).toBe(0o600);
    await release();
    await expect(stat(lockFile())).rejects.toThrow(/ENOENT/);
  });

  it('refuses while a live process holds it', async () => {
    const release = await acquireDataDirLock(dir);
    await expect(acquireDataDirLock(dir)).rejects.toMatchObject({
      code: 'ERR_DATA_DIR_LOCKED', ownerPid: process.pid,
    });
    await release();
  });

  it('takes over a lock whose owner died', async () => {
    await writeFile(lockFile(), `${DEAD_PID}\n`);
    const release = await acquireDataDirLock(dir);
    expect((await readFile(lockFile(), 'utf8')).trim()).toBe(String(process.pid));
    await release();
  });

  it('treats a fresh empty lock as being written, and an old one as stale', async () => {
    await writeFile(lockFile(), '');
    await expect(acquireDataDirLock(dir)).rejects.toBeInstanceOf(DataDirLockedError);
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(lockFile(), longAgo, longAgo);
    const release = await acquireDataDirLock(dir);
    await release();
  });
});
