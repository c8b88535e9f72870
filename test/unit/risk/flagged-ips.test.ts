/** Hostile input: huge or malformed IP list files are refused at load, naming the file and line. */
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFlaggedIps, IpListError, loadIpListFile } from '../../../src/risk/index.js';

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);
let dir: string;
const logs: string[] = [];
const log = { error: (_o: object, m: string) => { logs.push(m); }, info: () => undefined };
const base = { deny: [], watch: [], max: 1000, recentFailures: 3, failureWindowSec: 600, log };

beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'risk-lists-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('flagged addresses', () => {
  it('denies and watches CIDR blocks from configuration and files', async () => {
    const file = join(dir, 'deny.txt');
    await writeFile(file, '# bad networks\n198.51.100.0/24\n\n2001:db8::/32  # documentation\n');
    const f = await createFlaggedIps({ ...base, deny: ['203.0.113.7'], watch: ['192.0.2.0/24'], denyFile: file });
    expect(f.denied('203.0.113.7')).toBe(true);
    expect(f.denied('198.51.100.200')).toBe(true);
    expect(f.denied('2001:db8::5')).toBe(true);
    expect(f.denied('8.8.8.8')).toBe(false);
    expect((await f.observe('192.0.2.9', T0)).map((s) => s.name)).toEqual(['flagged_ip']);
    expect(await f.observe('8.8.8.8', T0)).toEqual([]);
  });

  it('flags an address with recent failures', async () => {
    const f = await createFlaggedIps(base);
    for (let i = 0; i < 3; i++) await f.failed('203.0.113.5', T0 + i);
    expect((await f.observe('203.0.113.5', T0 + 10)).map((s) => s.name)).toEqual(['recent_failures']);
    expect(await f.observe('203.0.113.5', T0 + 700_000)).toEqual([]);
  });

  it('rejects a malformed file naming the file and line', async () => {
    const file = join(dir, 'bad.txt');
    await writeFile(file, '10.0.0.0/8\n# fine\n10.0.0.0/40\n');
    await expect(loadIpListFile(file, 1000)).rejects.toThrow(IpListError);
    await expect(createFlaggedIps({ ...base, watchFile: file })).rejects.toThrow(`${file}:3: not an IP address or CIDR block`);
  });

  it('rejects a huge file before reading it, and too many entries', async () => {
    const huge = join(dir, 'huge.txt');
    await writeFile(huge, '1.2.3.4\n'.repeat(200_000));
    await expect(loadIpListFile(huge, 1000)).rejects.toThrow(/too large .*RISK_IP_LIST_MAX/);
    const many = join(dir, 'many.txt');
    await writeFile(many, Array.from({ length: 20 }, (_, i) => `10.0.0.${i}`).join('\n'));
    await expect(loadIpListFile(many, 10)).rejects.toThrow(/more than 10 entries/);
    await expect(loadIpListFile(join(dir, 'missing.txt'), 10)).rejects.toThrow(/missing.txt: cannot be read/);
  });

  it('rejects a bad inline entry naming the setting', async () => {
    await expect(createFlaggedIps({ ...base, deny: ['10.0.0.1', 'nope'] })).rejects.toThrow('RISK_DENY_IPS entry 2');
  });

  it('reloads a changed file without restart, and keeps the old list when the new one is bad', async () => {
    const file = join(dir, 'live.txt');
    await writeFile(file, '198.51.100.1\n');
    const f = await createFlaggedIps({ ...base, denyFile: file });
    expect(f.denied('198.51.100.2')).toBe(false);
    await writeFile(file, '198.51.100.2\n');
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    await f.reload();
    expect(f.denied('198.51.100.2')).toBe(true);
    expect(f.denied('198.51.100.1')).toBe(false);
    await writeFile(file, 'garbage\n');
    await utimes(file, new Date(), new Date(Date.now() + 10_000));
    await f.reload();
    expect(f.denied('198.51.100.2')).toBe(true);
    expect(logs.some((m) => m.includes('rejected'))).toBe(true);
  });
});
