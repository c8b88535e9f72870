/**
 * RISK_GEOIP_DB: a MaxMind DB file replaces geoip-lite's data. The file is written by
 * test/support/mmdb.ts with places geoip-lite would never give (so a pass proves the file
 * was used), and read by the real reader (mmdb-lib).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { createImpossibleTravel, createLocator, locate } from '../../../src/risk/index.js';
import { writeCityDb } from '../../support/mmdb.js';

const dir = mkdtempSync(join(tmpdir(), 'pc-mmdb-'));
const db = join(dir, 'city.mmdb');
writeFileSync(db, writeCityDb([
  { network: '81.2.69.0/24', country: 'AQ', lat: -75.25, lon: 0.5 },
  { network: '1.0.16.0/24', country: 'NZ', lat: -41.29, lon: 174.78 },
]));

describe('a MaxMind DB file', () => {
  it('locates addresses from the file, not from geoip-lite', () => {
    const where = createLocator(db);
    expect(where('81.2.69.142')).toEqual({ country: 'AQ', lat: -75.25, lon: 0.5 });
    expect(where('1.0.16.1')).toEqual({ country: 'NZ', lat: -41.29, lon: 174.78 });
    expect(locate('81.2.69.142')?.country).toBe('GB'); // the default still reads geoip-lite
  });

  it('has no place for addresses outside the file, private ones, IPv6 in an IPv4 file, or junk', () => {
    const where = createLocator(db);
    for (const ip of ['8.8.8.8', '10.0.0.1', '127.0.0.1', '2001:db8::1', 'not-an-ip', undefined]) expect(where(ip)).toBeUndefined();
  });

  it('drives impossible travel', async () => {
    const travel = createImpossibleTravel({ maxSpeedKmh: 900, minKm: 300, locate: createLocator(db) });
    expect(await travel.observe({ subject: 'u', ip: '81.2.69.142', at: 0 })).toEqual([]);
    expect(await travel.observe({ subject: 'u', ip: '1.0.16.1', at: 30 * 60_000 })).toEqual([expect.objectContaining({ name: 'impossible_travel', details: expect.objectContaining({ from: 'AQ', to: 'NZ' }) })]);
  });

  it.each([
    ['a missing file', join(dir, 'nope.mmdb')],
    ['a file that is not a MaxMind DB', (() => { const p = join(dir, 'junk.mmdb'); writeFileSync(p, 'not a database'); return p; })()],
  ])('refuses %s with an error naming RISK_GEOIP_DB', (_name, path) => {
    let caught: unknown;
    try { createLocator(path); } catch (err) { caught = err; }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe('RISK_GEOIP_DB');
  });

  it('is configuration: RISK_GEOIP_DB reaches the risk settings', () => {
    expect(loadConfig({ RISK_GEOIP_DB: db }).risk.geoipDb).toBe(db);
    expect(loadConfig({}).risk.geoipDb).toBeUndefined();
  });
});
