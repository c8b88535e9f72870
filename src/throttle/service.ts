/**
 * The throttle: per kind (token, introspect, revoke, login, totp) and per key type
 * (ip, client, subject) a budget for all requests and one for failures, plus
 * brute-force lockouts on the key that names who is authenticating (the client at the
 * token endpoints, the username at the forms). README "Throttling" documents the
 * defaults and how the forms call it.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Rate, RateKey, ThrottleConfig, ThrottleKind } from '../config/index.js';
import { createCounter, type Count, type Counter } from './counter.js';
import { rateLimitHeaders, type PolicyState } from './headers.js';
import { createLockout, type Lockout } from './lockout.js';
import { createStore, type Store } from './store.js';
import type { FailOptions, LimitReason, Throttle, ThrottleEvents, ThrottleKeys, Verdict } from './types.js';

export interface ThrottleOptions {
  config: ThrottleConfig;
  /** Redis for global budgets (cluster mode); memory when absent */
  redisUrl?: string;
  /** separates deployments sharing one Redis (the database schema) */
  namespace: string;
  log: Logger;
  events: ThrottleEvents;
}

interface Table { requests: Map<RateKey, Counter>; failures: Map<RateKey, Counter>; lockouts: Map<RateKey, Lockout> }
interface Refusal { reason: LimitReason; key: RateKey; ms: number; state: PolicyState }

const KINDS: ThrottleKind[] = ['token', 'introspect', 'revoke', 'login', 'totp'];
/** Who is guessing a secret: the client at the token endpoints, the username at the forms. */
const LOCKOUT_KEY: Record<ThrottleKind, RateKey> = { token: 'client', introspect: 'client', revoke: 'client', login: 'subject', totp: 'subject' };

/** Creates the throttle (a pass-through one when THROTTLE_ENABLED is false). */
export async function createThrottle(opts: ThrottleOptions): Promise<Throttle> {
  if (!opts.config.enabled) return passThrough();
  const store = await createStore({ redisUrl: opts.redisUrl, log: opts.log, events: opts.events });
  const prefix = `portcullis:throttle:${opts.namespace}`;
  const tables = new Map(KINDS.map((kind) => [kind, table(store, prefix, kind, opts.config)]));
  const of = (kind: ThrottleKind) => tables.get(kind) as Table;
  return {
    enabled: true,
    check: (kind, keys) => check(opts, kind, of(kind), keys),
    fail: (kind, keys, failOpts) => fail(opts, kind, of(kind), keys, failOpts),
    succeed: (kind, keys) => succeed(of(kind), keys),
    degraded: () => store.degraded(),
    close: () => store.close(),
  };
}

function table(store: Store, prefix: string, kind: ThrottleKind, config: ThrottleConfig): Table {
  const counters = (phase: string, rates: Partial<Record<RateKey, Rate>>) =>
    new Map((Object.entries(rates) as [RateKey, Rate][]).map(([key, rate]) => [key, createCounter(store, prefix, `${kind}:${phase}:${key}`, rate)]));
  const lockoutKey = LOCKOUT_KEY[kind];
  const lockouts = new Map<RateKey, Lockout>([[lockoutKey, createLockout(store, prefix, `${kind}:lockout:${lockoutKey}`, config.lockout)]]);
  return { requests: counters('requests', config.limits[kind].requests), failures: counters('failures', config.limits[kind].failures), lockouts };
}

/** Counter key for a value: addresses as they are, ids and usernames hashed (no clear usernames in Redis). */
function id(key: RateKey, value: string): string {
  return key === 'ip' ? value : createHash('sha256').update(value, 'utf8').digest('base64url').slice(0, 32);
}

function present<T>(map: Map<RateKey, T>, keys: ThrottleKeys): [RateKey, T, string][] {
  return [...map].filter(([key]) => keys[key] !== undefined).map(([key, v]) => [key, v, id(key, keys[key] as string)]);
}

async function check(opts: ThrottleOptions, kind: ThrottleKind, t: Table, keys: ThrottleKeys): Promise<Verdict> {
  const [requests, failures, locks] = await Promise.all([
    Promise.all(present(t.requests, keys).map(async ([key, c, k]) => ({ key, rate: c.rate, count: await c.hit(k) }))),
    Promise.all(present(t.failures, keys).map(async ([key, c, k]) => ({ key, rate: c.rate, count: await c.peek(k) }))),
    Promise.all(present(t.lockouts, keys).map(async ([key, l, k]) => ({ key, ms: await l.lockedFor(k) }))),
  ]);
  const states = requests.map((r) => policyState(`${kind}-${r.key}`, r.rate, r.count));
  const refusals: Refusal[] = [
    ...requests.flatMap((r, i) => (r.count.consumed > r.rate.points ? [{ reason: 'requests' as const, key: r.key, ms: r.count.resetMs, state: states[i] }] : [])),
    ...failures.filter((f) => f.count.consumed >= f.rate.points).map((f) => ({ reason: 'failures' as const, key: f.key, ms: f.count.resetMs, state: policyState(`${kind}-${f.key}-failures`, f.rate, f.count) })),
    ...locks.filter((l) => l.ms > 0).map((l) => ({ reason: 'lockout' as const, key: l.key, ms: l.ms, state: lockState(kind, l.key, opts.config, l.ms) })),
  ];
  return refusals.length === 0 ? { allowed: true, retryAfter: 0, headers: rateLimitHeaders(states) } : refuse(opts, kind, states, refusals);
}

function refuse(opts: ThrottleOptions, kind: ThrottleKind, states: PolicyState[], refusals: Refusal[]): Verdict {
  const worst = refusals.reduce((a, b) => (b.ms > a.ms ? b : a));
  for (const r of refusals) opts.events.limited(kind, r.key, r.reason);
  const retryAfter = Math.max(1, Math.ceil(worst.ms / 1000));
  const shown = states.some((s) => s.name === worst.state.name) ? states : [...states, worst.state];
  const headers = rateLimitHeaders(shown.map((s) => (s.name === worst.state.name ? { ...s, remaining: 0, reset: retryAfter } : s)));
  return { allowed: false, retryAfter, reason: worst.reason, key: worst.key, headers: { ...headers, 'Retry-After': String(retryAfter) } };
}

function policyState(name: string, rate: Rate, count: Count): PolicyState {
  const reset = count.resetMs > 0 ? Math.ceil(count.resetMs / 1000) : rate.duration;
  return { name, quota: rate.points, window: rate.duration, remaining: rate.points - count.consumed, reset };
}

function lockState(kind: ThrottleKind, key: RateKey, config: ThrottleConfig, ms: number): PolicyState {
  return { name: `${kind}-${key}-lockout`, quota: config.lockout.after, window: config.lockout.reset, remaining: 0, reset: Math.ceil(ms / 1000) };
}

async function fail(opts: ThrottleOptions, kind: ThrottleKind, t: Table, keys: ThrottleKeys, failOpts: FailOptions = {}): Promise<void> {
  const lockouts = failOpts.lockout === false ? [] : present(t.lockouts, keys);
  await Promise.all([
    ...present(t.failures, keys).map(([, c, k]) => c.hit(k)),
    ...lockouts.map(async ([key, l, k]) => {
      const started = await l.failed(k);
      if (!started) return;
      opts.log.warn({ event: 'throttle.lockout', kind, key, ip: keys.ip, client: keys.client, subject: keys.subject, seconds: started.seconds, level: started.level }, 'throttle.lockout');
      opts.events.lockout(kind, key);
    }),
  ]);
}

async function succeed(t: Table, keys: ThrottleKeys): Promise<void> {
  await Promise.all(present(t.lockouts, keys).map(([, l, k]) => l.succeeded(k)));
}

function passThrough(): Throttle {
  return {
    enabled: false,
    check: async () => ({ allowed: true, retryAfter: 0, headers: {} }),
    fail: async () => undefined,
    succeed: async () => undefined,
    degraded: () => false,
    close: async () => undefined,
  };
}
