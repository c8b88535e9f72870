/** Places come from geoip-lite's shipped data: 81.2.69.142 (GB), 1.0.16.1 (JP), 8.8.8.8 (US). */
import { createImpossibleTravel, distanceKm, isPublic, locate } from '../../../src/risk/index.js';

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);
const LONDON = '81.2.69.142';
const TOKYO = '1.0.16.1';

describe('geo', () => {
  it('locates public addresses from the shipped data and skips private ones', () => {
    expect(locate(LONDON)?.country).toBe('GB');
    expect(locate(TOKYO)?.country).toBe('JP');
    for (const ip of ['127.0.0.1', '10.1.2.3', '192.168.1.1', '::1', 'fe80::1', 'not-an-ip']) expect(locate(ip)).toBeUndefined();
    expect(isPublic('172.20.0.1')).toBe(false);
  });

  it('measures great-circle distances', () => {
    const km = distanceKm(locate(LONDON)!, locate(TOKYO)!);
    expect(km).toBeGreaterThan(9000);
    expect(km).toBeLessThan(10_000);
  });
});

describe('impossible travel', () => {
  const travel = () => createImpossibleTravel({ maxSpeedKmh: 900, minKm: 300 });

  it('signals London then Tokyo ten minutes later', async () => {
    const t = travel();
    expect(await t.observe({ subject: 'u', ip: LONDON, at: T0 })).toEqual([]);
    const [signal] = await t.observe({ subject: 'u', ip: TOKYO, at: T0 + 10 * 60_000 });
    expect(signal.name).toBe('impossible_travel');
    expect(signal.details).toMatchObject({ from: 'GB', to: 'JP', minutes: 10 });
  });

  it('accepts the same trip over a day, and other subjects are independent', async () => {
    const t = travel();
    await t.observe({ subject: 'u', ip: LONDON, at: T0 });
    await t.observe({ subject: 'v', ip: TOKYO, at: T0 + 60_000 });
    expect(await t.observe({ subject: 'u', ip: TOKYO, at: T0 + 24 * 3_600_000 })).toEqual([]);
  });

  it('skips private, loopback and unknown addresses (no signal, last place kept)', async () => {
    const t = travel();
    await t.observe({ subject: 'u', ip: LONDON, at: T0 });
    expect(await t.observe({ subject: 'u', ip: '127.0.0.1', at: T0 + 60_000 })).toEqual([]);
    expect(await t.observe({ subject: 'u', ip: '10.0.0.7', at: T0 + 120_000 })).toEqual([]);
    expect((await t.observe({ subject: 'u', ip: TOKYO, at: T0 + 180_000 })).map((s) => s.name)).toEqual(['impossible_travel']);
  });

  it('ignores short distances however fast (GeoIP is coarse)', async () => {
    const t = createImpossibleTravel({ maxSpeedKmh: 900, minKm: 300, locate: (ip) => (ip === 'a' ? { country: 'X', lat: 0, lon: 0 } : { country: 'X', lat: 0, lon: 2 }) });
    await t.observe({ subject: 'u', ip: 'a', at: T0 });
    expect(await t.observe({ subject: 'u', ip: 'b', at: T0 + 1000 })).toEqual([]);
  });
});
