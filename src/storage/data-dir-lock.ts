import { open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Thrown when another live process owns the embedded database directory. */
export class DataDirLockedError extends Error {
  readonly code = 'ERR_DATA_DIR_LOCKED';
  constructor(readonly dataDir: string, readonly ownerPid: number | undefined) {
    super(`embedded database ${dataDir} is in use by process ${ownerPid ?? '(unknown)'}; ` +
      'stop that process, or use the admin connection (connectAdminDatabase) to reach it');
    this.name = 'DataDirLockedError';
  }
}

/** A lock file younger than this with no pid in it is being written, not stale. */
const WRITING_GRACE_MS = 10_000;

/** Whether a process with this id exists (EPERM: it exists but is not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dataDir>/owner.lock` exclusively (O_EXCL) and returns its release function.
 * A lock whose pid is no longer alive is stale and taken over. Two processes taking
 * over the same stale lock at the same instant can race; the window is one unlink.
 * @throws DataDirLockedError while a live process (this one included) holds it.
 */
export async function acquireDataDirLock(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, 'owner.lock');
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (await tryCreate(path)) return () => unlink(path).catch(() => undefined);
    const owner = await readOwner(path);
    if (owner.held) throw new DataDirLockedError(dataDir, owner.pid);
    await unlink(path).catch(() => undefined);
  }
  throw new DataDirLockedError(dataDir, undefined);
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    await handle.writeFile(`${process.pid}\n`);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function readOwner(path: string): Promise<{ held: boolean; pid?: number }> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  if (Number.isInteger(pid) && pid > 0) return { held: isProcessAlive(pid), pid };
  const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => Infinity);
  return { held: age < WRITING_GRACE_MS };
}
