import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from './data-dir-lock.js';

/** What the owning issuer publishes about its embedded database (`<dataDir>/embedded.json`). */
export interface EmbeddedInfo {
  pid: number;
  port: number;
}

const FILE = 'embedded.json';

/** Writes embedded.json atomically, readable only by the owner user (0600). */
export async function writeEmbeddedInfo(dataDir: string, info: EmbeddedInfo): Promise<void> {
  const tmp = join(dataDir, `${FILE}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(info), { mode: 0o600 });
  await rename(tmp, join(dataDir, FILE));
}

/** Removes embedded.json (missing is fine). */
export async function removeEmbeddedInfo(dataDir: string): Promise<void> {
  await unlink(join(dataDir, FILE)).catch(() => undefined);
}

/**
 * Returns the running owner's pid and port, or undefined when there is no live owner.
 * A file not owned by this user is ignored: someone else could point us anywhere.
 */
export async function readLiveEmbeddedInfo(dataDir: string): Promise<EmbeddedInfo | undefined> {
  const path = join(dataDir, FILE);
  const owner = await stat(path).then((s) => s.uid, () => undefined);
  if (owner === undefined || owner !== process.getuid?.()) return undefined;
  const info = parse(await readFile(path, 'utf8').catch(() => ''));
  return info && isProcessAlive(info.pid) ? info : undefined;
}

function parse(text: string): EmbeddedInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<EmbeddedInfo>;
    return Number.isInteger(value.pid) && Number.isInteger(value.port) ? (value as EmbeddedInfo) : undefined;
  } catch {
    return undefined;
  }
}
