/**
 * The risk memory's contract, held by process memory and by Redis (127.0.0.1:6379, a
 * fresh key prefix per test) alike; with Redis, two memories on their own connections
 * (two processes) see each other's events, keys expire when nothing in them matters any
 * more, and an unreachable Redis leaves each process on its own memory.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLocalMemory, createRedisMemory, createRiskMemory, type RiskMemory } from '../../../src/risk/index.js';
import { startOwnRedis, type OwnRedis } from '../../support/redis-server.js';
import { freePort } from '../../support/issuer.js';
import { eventually } from '../../support/receivers.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);
const LONDON = { country: 'GB', lat: 51.5, lon: -0.13 };
const TOKYO = { country: 'JP', lat: 35.7, lon: 139.7 };
const quiet = { warn: () => undefined, info: () => undefined };

const connections: Redis[] = [];
afterAll(() => { for (const c of connections) c.disconnect(); });

function redisMemory(prefix: string): RiskMemory {
  const redis = new Redis(REDIS_URL);
  connections.push(redis);
  return createRedisMemory(redis, prefix);
}

const prefix = () => `portcullis:risk:test-${randomBytes(4).toString('hex')}`;

describe.each([
  ['process memory', () => { const m = createLocalMemory(); return [m, m] as const; }],
  ['Redis, two processes', () => { const p = prefix(); return [redisMemory(p), redisMemory(p)] as const; }],
])('%s', (_name, pair) => {
  it('keeps the newest place per subject and returns the one before', async () => {
    const [a, b] = pair();
    expect(await a.swapPlace('u', { ...LONDON, at: T0 }, 60_000)).toBeUndefined();
    expect(await b.swapPlace('u', { ...TOKYO, at: T0 + 600_000 }, 60_000)).toEqual({ ...LONDON, at: T0 });
    // an older use (a slower process) neither replaces the newer place nor is compared as newer
    expect(await a.swapPlace('u', { ...LONDON, at: T0 + 1000 }, 60_000)).toEqual({ ...TOKYO, at: T0 + 600_000 });
    expect(await b.swapPlace('u', { ...LONDON, at: T0 + 700_000 }, 60_000)).toEqual({ ...TOKYO, at: T0 + 600_000 });
    expect(await b.swapPlace('v', { ...LONDON, at: T0 }, 60_000)).toBeUndefined();
  });

  it('counts events inside the window, from either process', async () => {
    const [a, b] = pair();
    expect(await a.count('invalid', 'rs', T0, 60_000)).toBe(1);
    expect(await b.count('invalid', 'rs', T0 + 1000, 60_000)).toBe(2);
    expect(await a.count('invalid', 'rs', T0 + 1000, 60_000)).toBe(3); // same value, same time: still another event
    expect(await b.peekCount('invalid', 'rs', T0 + 2000, 60_000)).toBe(3);
    expect(await a.peekCount('invalid', 'rs', T0 + 60_500, 60_000)).toBe(2); // the first has left the window (it is (at - 60 s, at])
    expect(await a.count('invalid', 'rs', T0 + 200_000, 60_000)).toBe(1);
    expect(await b.peekCount('failure', 'rs', T0 + 200_000, 60_000)).toBe(0); // name spaces are apart
  });

  it('counts distinct values inside the window, before and after this one', async () => {
    const [a, b] = pair();
    expect(await a.distinct('presented', 'jti', '203.0.113.1|', T0, 60_000)).toEqual({ before: 0, after: 1 });
    expect(await b.distinct('presented', 'jti', '203.0.113.1|', T0 + 1000, 60_000)).toEqual({ before: 1, after: 1 });
    expect(await b.distinct('presented', 'jti', '203.0.113.2|', T0 + 2000, 60_000)).toEqual({ before: 1, after: 2 });
    expect(await a.distinct('presented', 'jti', '203.0.113.3|', T0 + 61_500, 60_000)).toEqual({ before: 1, after: 2 }); // .1 has left the window
  });
});

describe('Redis', () => {
  it('two processes counting one key at once each see a different count', async () => {
    const p = prefix();
    const [a, b] = [redisMemory(p), redisMemory(p)];
    const counts = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).count('invalid', 'rs', T0, 60_000)));
    expect([...counts].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('keys expire: windows after their length, last places after keepMs', async () => {
    const p = prefix();
    const m = redisMemory(p);
    const raw = new Redis(REDIS_URL);
    connections.push(raw);
    await m.swapPlace('u', { ...LONDON, at: Date.now() }, 90_000);
    await m.count('failure', '203.0.113.1', Date.now(), 300_000);
    await m.distinct('presented', 'jti', 'x|', Date.now(), 120_000);
    const ttls = Object.fromEntries(await Promise.all((await raw.keys(`${p}:*`)).map(async (k) => [k.slice(p.length + 1), await raw.pttl(k)] as const)));
    expect(Object.keys(ttls).sort()).toEqual(['f:203.0.113.1', 'p:u', 'r:jti']);
    expect(ttls['p:u']).toBeGreaterThan(85_000);
    expect(ttls['p:u']).toBeLessThanOrEqual(90_000);
    expect(ttls['f:203.0.113.1']).toBeGreaterThan(295_000);
    expect(ttls['f:203.0.113.1']).toBeLessThanOrEqual(300_000);
    expect(ttls['r:jti']).toBeLessThanOrEqual(120_000);
    await m.swapPlace('w', { ...LONDON, at: Date.now() }, 50);
    await eventually('the short-lived place to expire', 3000, async () => (await raw.exists(`${p}:p:w`)) === 0, 20);
    expect(await m.swapPlace('w', { ...TOKYO, at: Date.now() }, 50)).toBeUndefined();
  });
});

describe('Redis unreachable', () => {
  let own: OwnRedis;
  beforeAll(async () => { own = await startOwnRedis(await freePort()); });
  afterAll(async () => { await own.stop(); });

  it('each process remembers on its own while Redis is away, and shares again once it is back', async () => {
    const warnings: string[] = [];
    const log = { warn: (_o: object, msg: string) => { warnings.push(msg); }, info: () => undefined };
    const namespace = `t${randomBytes(4).toString('hex')}`;
    const a = createRiskMemory({ redisUrl: own.url, namespace, log });
    const b = createRiskMemory({ redisUrl: own.url, namespace, log: quiet });
    try {
      await eventually('both connected', 5000, async () => (await a.count('invalid', 'probe', T0, 1000)) + (await b.count('invalid', 'probe', T0, 1000)) === 3, 20);
      await own.stop();
      await eventually('A to notice', 5000, async () => { await a.count('invalid', 'rs', T0, 60_000); return warnings.length > 0; }, 20);
      expect(warnings[0]).toMatch(/^risk\.memory\.degraded/);
      expect(await a.count('invalid', 'rs', T0 + 1, 60_000)).toBeGreaterThanOrEqual(2); // A's own events, in A's memory
      expect(await b.count('invalid', 'rs', T0 + 2, 60_000)).toBe(1); // B knows only its own
      expect(warnings).toHaveLength(1); // said once per outage
      await own.start();
      await eventually('shared again', 10_000, async () => (await a.count('invalid', 'again', T0, 60_000)) >= 1 && (await b.peekCount('invalid', 'again', T0 + 1, 60_000)) >= 1, 100);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('without REDIS_URL the memory is the process memory', async () => {
    const m = createRiskMemory({ namespace: 'x', log: quiet });
    expect(await m.count('invalid', 'rs', T0, 60_000)).toBe(1);
    expect(await m.count('invalid', 'rs', T0, 60_000)).toBe(2);
    await m.close();
  });
});
