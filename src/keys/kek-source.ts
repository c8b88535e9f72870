/**
 * Where the key-encryption key comes from: PORTCULLIS_KEK when set (required in
 * cluster mode), otherwise a key generated once into KEYS_DIR/kek with mode 0600.
 */
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateKek, parseKek } from './kek.js';

/** Returns the 32-byte KEK, generating the embedded one on first use. */
export function resolveKek(opts: { kek?: string; keysDir: string }): Uint8Array {
  if (opts.kek) return parseKek(opts.kek);
  const file = join(opts.keysDir, 'kek');
  mkdirSync(opts.keysDir, { recursive: true, mode: 0o700 });
  try {
    const fd = openSync(file, 'wx', 0o600);
    writeSync(fd, generateKek() + '\n');
    closeSync(fd);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    throw new TypeError(`${file} must not be readable by group or others (chmod 600 ${file})`);
  }
  return parseKek(readFileSync(file, 'utf8').trim());
}
