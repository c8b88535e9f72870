/**
 * The throttle in memory (embedded mode): budgets, failure budgets, growing lockouts,
 * the header fields, and the pass-through when disabled.
 */
import { pino } from 'pino';
import { loadConfig } from '../../../src/config/index.js';
import { createThrottle, lockSeconds, rateLimitHeaders, type Throttle, type ThrottleEvents } from '../../../src/throttle/index.js';

const silent = pino({ level: 'silent' });

function recorder() {
  const seen: string[] = [];
  const events: ThrottleEvents = {
    limited: (kind, key, reason) => seen.push(`limited ${kind} ${key} ${reason}`),
    lockout: (kind, key) => seen.push(`lockout ${kind} ${key}`),
    degraded: (on) => seen.push(`degraded ${on}`),
    fallback: () => seen.push('fallback'),
  };
  return { seen, events };
}

async function throttleWith(env: Record<string, string>, events = recorder().events): Promise<Throttle> {
  return createThrottle({ config: loadConfig(env).throttle, namespace: 'unit', log: silent, events });
}

describe('throttle (memory)', () => {
  it('allows up to the budget per key, then refuses with Retry-After and RateLimit fields', async () => {
    const rec = recorder();
    const t = await throttleWith({ THROTTLE_TOKEN: 'ip=100/1m,client=3/1m' }, rec.events);
    for (let i = 0; i < 3; i++) expect((await t.check('token', { ip: '192.0.2.1', client: 'a' })).allowed).toBe(true);
    const refused = await t.check('token', { ip: '192.0.2.1', client: 'a' });
    expect(refused).toMatchObject({ allowed: false, reason: 'requests', key: 'client' });
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.headers['Retry-After']).toBe(String(refused.retryAfter));
    expect(refused.headers['RateLimit-Policy']).toBe('"token-ip";q=100;w=60, "token-client";q=3;w=60');
    expect(refused.headers.RateLimit).toBe(`"token-ip";r=96;t=60, "token-client";r=0;t=${refused.retryAfter}`);
    expect(rec.seen).toEqual(['limited token client requests']);
    // another client from the same address has its own client budget
    expect((await t.check('token', { ip: '192.0.2.1', client: 'b' })).allowed).toBe(true);
  });

  it('refuses once the failure budget is spent, without consuming it on checks', async () => {
    const t = await throttleWith({ THROTTLE_INTROSPECT_FAILURES: 'ip=2/1m', THROTTLE_LOCKOUT_AFTER: '0' });
    const keys = { ip: '192.0.2.2', client: 'rs' };
    for (let i = 0; i < 5; i++) expect((await t.check('introspect', keys)).allowed).toBe(true);
    await t.fail('introspect', keys, { lockout: false });
    expect((await t.check('introspect', keys)).allowed).toBe(true);
    await t.fail('introspect', keys, { lockout: false });
    expect(await t.check('introspect', keys)).toMatchObject({ allowed: false, reason: 'failures', key: 'ip' });
  });

  it('locks a client after consecutive failures, for a growing duration, and a success restarts the count', async () => {
    const rec = recorder();
    const t = await throttleWith({ THROTTLE_LOCKOUT_AFTER: '3', THROTTLE_LOCKOUT_FIRST: '60', THROTTLE_LOCKOUT_MAX: '1h', THROTTLE_TOKEN_FAILURES: 'off' }, rec.events);
    const keys = { ip: '192.0.2.3', client: 'c' };
    await t.fail('token', keys);
    await t.fail('token', keys);
    await t.succeed('token', keys);
    await t.fail('token', keys);
    await t.fail('token', keys);
    expect((await t.check('token', keys)).allowed).toBe(true);
    await t.fail('token', keys);
    const locked = await t.check('token', { ip: '198.51.100.7', client: 'c' }); // from anywhere
    expect(locked).toMatchObject({ allowed: false, reason: 'lockout', key: 'client' });
    expect(locked.retryAfter).toBeGreaterThan(55);
    expect(locked.retryAfter).toBeLessThanOrEqual(60);
    expect(rec.seen).toContain('lockout token client');
    // failures that are not guessed secrets do not lock
    await t.fail('token', { client: 'd' }, { lockout: false });
    await t.fail('token', { client: 'd' }, { lockout: false });
    await t.fail('token', { client: 'd' }, { lockout: false });
    expect((await t.check('token', { client: 'd' })).allowed).toBe(true);
  });

  it('lockouts double up to the maximum', () => {
    const policy = { first: 60, max: 900 };
    expect([1, 2, 3, 4, 5, 6, 40].map((level) => lockSeconds(policy, level))).toEqual([60, 120, 240, 480, 900, 900, 900]);
  });

  it('locks usernames at the login form, per subject', async () => {
    const t = await throttleWith({ THROTTLE_LOCKOUT_AFTER: '2', THROTTLE_LOGIN_FAILURES: 'off' });
    await t.fail('login', { ip: '192.0.2.4', subject: 'alice' });
    await t.fail('login', { ip: '192.0.2.5', subject: 'alice' });
    expect(await t.check('login', { ip: '192.0.2.6', subject: 'alice' })).toMatchObject({ allowed: false, reason: 'lockout', key: 'subject' });
    expect((await t.check('login', { ip: '192.0.2.6', subject: 'bob' })).allowed).toBe(true);
  });

  it('THROTTLE_ENABLED=false passes everything without headers', async () => {
    const t = await throttleWith({ THROTTLE_ENABLED: 'false', THROTTLE_TOKEN: 'ip=1/1m' });
    for (let i = 0; i < 5; i++) expect(await t.check('token', { ip: '192.0.2.7' })).toEqual({ allowed: true, retryAfter: 0, headers: {} });
    expect(t.enabled).toBe(false);
  });

  it('formats the draft-10 fields', () => {
    expect(rateLimitHeaders([])).toEqual({});
    expect(rateLimitHeaders([{ name: 'p', quota: 10, window: 60, remaining: -2, reset: 5 }])).toEqual({ 'RateLimit-Policy': '"p";q=10;w=60', RateLimit: '"p";r=0;t=5' });
  });
});
