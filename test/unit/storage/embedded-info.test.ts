import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLiveEmbeddedInfo, removeEmbeddedInfo, writeEmbeddedInfo } from '../../../src/storage/embedded-info.js';

let dir: string;

beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'portcullis-info-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('embedded.json', () => {
  it('round-trips a live owner, readable only by us', async () => {
    await writeEmbeddedInfo(dir, { pid: process.pid, port: 54321 });
    expect((await stat(join(dir, 'embedded.json'))).mode & 0o777).toBe(0o600);
    expect(await readLiveEmbeddedInfo(dir)).toEqual({ pid: process.pid, port: 54321 });
    await removeEmbeddedInfo(dir);
    expect(await readLiveEmbeddedInfo(dir)).toBeUndefined();
  });

  it('ignores a dead owner and garbage', async () => {
    await writeEmbeddedInfo(dir, { pid: 99_999_999, port: 54321 });
    expect(await readLiveEmbeddedInfo(dir)).toBeUndefined();
    await writeFile(join(dir, 'embedded.json'), '{not json');
    expect(await readLiveEmbeddedInfo(dir)).toBeUndefined();
  });
});
