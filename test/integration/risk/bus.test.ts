/**
 * The risk observation bus over the real Redis (127.0.0.1:6379): what one process's
 * signals observe reaches the other's, so impossible travel, token replay, bursts and
 * recent failures are judged over the uses every process saw; a process ignores its own
 * messages and anything malformed on the channel.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createImpossibleTravel, createObservationBus, createPatterns, type Observation, type ObservationBus } from '../../../src/risk/index.js';
import { eventually } from '../../support/receivers.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LONDON = '81.2.69.142';
const TOKYO = '1.0.16.1';
const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);
const log = { warn: () => undefined };

const channel = `portcullis:risk:test-${randomBytes(4).toString('hex')}`;
const buses: ObservationBus[] = [];
let raw: Redis;

/** One "process": its signals, sharing through its own bus. */
function processWithBus(applied: Observation[] = []) {
  let bus: ObservationBus | undefined;
  const share = (o: Observation) => bus?.publish(o);
  const travel = createImpossibleTravel({ maxSpeedKmh: 900, minKm: 300, share });
  const patterns = createPatterns({ replayIps: 2, replayWindowSec: 60, burst: 3, burstWindowSec: 60, share });
  bus = createObservationBus({ redisTimeouts: { commandMs: 250, connectMs: 2000 },
    redisUrl: REDIS_URL, channel, log,
    apply: (o) => {
      applied.push(o);
      if (o.kind === 'place') travel.record(o);
      if (o.kind === 'presented' || o.kind === 'invalid') patterns.record(o);
    },
  });
  buses.push(bus);
  return { travel, patterns, applied };
}

beforeAll(async () => {
  raw = new Redis(REDIS_URL);
});
afterAll(async () => {
  for (const b of buses) await b.close();
  raw.disconnect();
});

/**
 * Waits until both processes hear the channel: a probe from a third party reaches both
 * (then it is forgotten, so the tests below see only their own messages).
 */
async function ready(a: ReturnType<typeof processWithBus>, b: ReturnType<typeof processWithBus>): Promise<void> {
  await eventually('both processes subscribed', 5000, async () => Number((await raw.pubsub('NUMSUB', channel))[1]) >= 2, 50);
  const probe: Observation = { kind: 'invalid', key: 'probe', at: T0 };
  await raw.publish(channel, JSON.stringify({ origin: 'probe', o: probe }));
  await eventually('both processes to hear a probe', 3000, () => [a, b].every((p) => p.applied.some((o) => o.kind === 'invalid' && o.key === 'probe')), 20);
  for (const p of [a, b]) p.applied.length = 0;
}

it('impossible travel and token replay are seen across processes; own and malformed messages are ignored', async () => {
  const a = processWithBus();
  const b = processWithBus();
  await ready(a, b);

  expect(a.travel.observe({ subject: 'alice', ip: LONDON, at: T0 })).toEqual([]);
  await eventually('B to learn where alice was', 3000, () => b.applied.some((o) => o.kind === 'place'), 20);
  const [signal] = b.travel.observe({ subject: 'alice', ip: TOKYO, at: T0 + 10 * 60_000 });
  expect(signal).toMatchObject({ name: 'impossible_travel', details: { from: 'GB', to: 'JP' } });
  expect(a.applied.filter((o) => o.kind === 'place' && o.at === T0)).toEqual([]); // A ignored its own message

  expect(a.patterns.presented('jti-1', '203.0.113.7', undefined, T0)).toEqual([]);
  await eventually('B to learn the first presenter', 3000, () => b.applied.some((o) => o.kind === 'presented'), 20);
  expect(b.patterns.presented('jti-1', '198.51.100.9', undefined, T0 + 1000)).toEqual([expect.objectContaining({ name: 'token_replay' })]);

  // garbage on the channel changes nothing and breaks nothing
  const before = b.applied.length;
  for (const junk of ['not json', '{}', JSON.stringify({ origin: 'x', o: { kind: 'place', subject: 'alice', at: 'soon' } }), JSON.stringify({ origin: 'x', o: { kind: 'nope', at: 1 } })]) await raw.publish(channel, junk);
  a.patterns.invalidToken('rs', T0); // a valid one after the junk, to know the junk was processed
  await eventually('B to process the messages', 3000, () => b.applied.some((o) => o.kind === 'invalid'), 20);
  expect(b.applied.slice(before).map((o) => o.kind)).toEqual(['invalid']);
});

it('without Redis reachable, publishing is a no-op and nothing throws', async () => {
  const bus = createObservationBus({ redisTimeouts: { commandMs: 250, connectMs: 2000 }, redisUrl: 'redis://127.0.0.1:1', channel, log, apply: () => undefined });
  buses.push(bus);
  expect(() => bus.publish({ kind: 'invalid', key: 'rs', at: T0 })).not.toThrow();
});
