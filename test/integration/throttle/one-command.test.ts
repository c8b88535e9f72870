/**
 * The throttle's check in cluster mode against the real Redis (127.0.0.1:6379, a fresh
 * namespace per test): one Redis command per check (MONITOR shows one script call and
 * nothing else from the client), an exact global budget for checks from two processes
 * at once, and counters the other operations (failure budgets, lockouts) share.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config/index.js';
import { createThrottle, type Throttle } from '../../../src/throttle/index.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const events = { limited: () => undefined, lockout: () => undefined, degraded: () => undefined, fallback: () => undefined };
const open: Throttle[] = [];

async function throttle(namespace: string, env: Record<string, string>): Promise<Throttle> {
  const t = await createThrottle({ config: loadConfig(env).throttle, redisUrl: REDIS_URL, namespace, log: pino({ level: 'silent' }), events });
  open.push(t);
  return t;
}

afterAll(async () => { for (const t of open) await t.close(); });

const ns = () => `t${randomBytes(4).toString('hex')}`;

it('a check is one Redis command: the counting and every read in one script', async () => {
  const namespace = ns();
  const t = await throttle(namespace, {});
  const keys = { ip: '192.0.2.10', client: 'rs' };
  await t.check('introspect', keys); // loads the script
  // monitor() opens a connection of its own beside the one it is called on: both are closed
  const observer = new Redis(REDIS_URL);
  const monitor = await observer.monitor();
  const sent: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua' && args.some((a) => a.includes(namespace))) sent.push(args);
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const verdict = await t.check('introspect', keys);
    expect(verdict.allowed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    monitor.disconnect();
    observer.disconnect();
  }
  expect(sent.map((args) => args[0].toLowerCase())).toEqual(['evalsha']);
  // both request budgets counted, both failure budgets and the client's lockout state read
  expect(sent[0].filter((a) => a.includes(namespace))).toHaveLength(2 + 2 + 3);
});

it('two processes checking at once never admit more than the global budget', async () => {
  const namespace = ns();
  const env = { THROTTLE_INTROSPECT: 'client=50/1m' };
  const [a, b] = [await throttle(namespace, env), await throttle(namespace, env)];
  const verdicts = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).check('introspect', { client: 'rs' })));
  expect(verdicts.filter((v) => v.allowed)).toHaveLength(50);
  const refused = verdicts.find((v) => !v.allowed)!;
  expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
  expect(refused.retryAfter).toBeLessThanOrEqual(60);
  expect(refused.headers.RateLimit).toMatch(/"introspect-client";r=0;t=\d+/);
});

it('failure budgets and lockouts recorded by one process refuse on the other', async () => {
  const namespace = ns();
  const env = { THROTTLE_INTROSPECT_FAILURES: 'ip=2/1m', THROTTLE_LOCKOUT_AFTER: '3' };
  const [a, b] = [await throttle(namespace, env), await throttle(namespace, env)];
  const keys = { ip: '192.0.2.20', client: 'rs' };
  await a.fail('introspect', keys, { lockout: false });
  expect((await b.check('introspect', keys)).allowed).toBe(true);
  await a.fail('introspect', keys, { lockout: false });
  expect(await b.check('introspect', keys)).toMatchObject({ allowed: false, reason: 'failures', key: 'ip' });
  const other = { ip: '192.0.2.21', client: 'locked' };
  for (let i = 0; i < 3; i++) await a.fail('introspect', other);
  expect(await b.check('introspect', other)).toMatchObject({ allowed: false, reason: 'lockout', key: 'client' });
  expect((await b.check('introspect', other)).recorded).toBe(true);
});
