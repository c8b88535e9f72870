/**
 * The throttle: per kind (token, introspect, revoke, login, totp, events, account) and per key type
 * (ip, client, subject) a budget for all requests and one for failures, plus
 * brute-force lockouts on the key that names who is authenticating (the client at the
 * token endpoints, the username at the forms). README "Throttling" documents the
 * defaults and how the forms call it.
 */
import { hash } from 'node:crypto';
import type { Logger } from 'pino';
import type { RedisTimeouts } from '../redis/index.js';
import type { Rate, RateKey, ThrottleConfig, ThrottleKind } from '../config/index.js';
import { countAndPeek, createCounter, peekLocalCounts, type Count, type Counter } from './counter.js';
import { createCountScript, type CountScript } from './count-script.js';
import { rateLimitHeaders, type PolicyState } from './headers.js';
import { createLockout, type Lockout } from './lockout.js';
import { createStore, type Store } from './store.js';
import { coarseIp } from '../risk/index.js';
import type { FailOptions, LimitReason, Throttle, ThrottleEvents, ThrottleKeys, Verdict } from './types.js';

export interface ThrottleOptions {
  config: ThrottleConfig;
  /** Redis for global budgets (cluster mode); memory when absent */
  redisUrl?: string;
  /** deadlines of Redis commands and connections (REDIS_COMMAND_TIMEOUT, REDIS_CONNECT_TIMEOUT) */
  redisTimeouts?: RedisTimeouts;
  /** separates deployments sharing one Redis (the database schema) */
  namespace: string;
  log: Logger;
  events: ThrottleEvents;
  /** the clock of the in-memory windows, epoch ms (tests pass their own) */
  now?: () => number;
}

interface Table {
  requests: Map<RateKey, Counter>; failures: Map<RateKey, Counter>; lockouts: Map<RateKey, Lockout>; id: CounterKeys;
  /** the policy name of each request budget in the RateLimit fields (`token-ip`, ...) */
  names: Record<RateKey, string>;
}
interface Ctx { opts: ThrottleOptions; store: Store; script?: CountScript }
interface Refusal { reason: LimitReason; key: RateKey; ms: number; state: PolicyState }

const KINDS: ThrottleKind[] = ['token', 'introspect', 'revoke', 'login', 'totp', 'events', 'account', 'logout', 'gateway', 'reset', 'admin'];
/**
 * Who is guessing a secret: the client at the token and event endpoints, the username at
 * the forms. /me/data and sign-out have no such key (their callers present tokens, nobody is locked).
 */
const LOCKOUT_KEY: Record<ThrottleKind, RateKey> = { token: 'client', introspect: 'client', revoke: 'client', login: 'subject', totp: 'subject', events: 'client', account: 'subject', logout: 'subject', gateway: 'client', reset: 'subject', admin: 'client' };

/** Creates the throttle (a pass-through one when THROTTLE_ENABLED is false). */
export async function createThrottle(opts: ThrottleOptions): Promise<Throttle> {
  if (!opts.config.enabled) return passThrough();
  const store = await createStore({ redisUrl: opts.redisUrl, redisTimeouts: opts.redisTimeouts, log: opts.log, events: opts.events, now: opts.now });
  const prefix = `portcullis:throttle:${opts.namespace}`;
  const tables = new Map(KINDS.map((kind) => [kind, table(store, prefix, kind, opts.config)]));
  const of = (kind: ThrottleKind) => tables.get(kind) as Table;
  const ctx: Ctx = { opts, store, script: store.redis && createCountScript(store.redis) };
  return {
    enabled: true,
    check: (kind, keys) => check(ctx, kind, of(kind), keys),
    fail: (kind, keys, failOpts) => fail(opts, kind, of(kind), keys, failOpts),
    succeed: (kind, keys) => succeed(of(kind), keys),
    lift: (keys) => lift([...tables.values()], keys),
    degraded: () => store.degraded(),
    close: () => store.close(),
  };
}

function table(store: Store, prefix: string, kind: ThrottleKind, config: ThrottleConfig): Table {
  const counters = (phase: string, rates: Partial<Record<RateKey, Rate>>) =>
    new Map((Object.entries(rates) as [RateKey, Rate][]).map(([key, rate]) => [key, createCounter(store, prefix, `${kind}:${phase}:${key}`, rate)]));
  const lockoutKey = LOCKOUT_KEY[kind];
  const lockouts = new Map<RateKey, Lockout>([[lockoutKey, createLockout(store, prefix, `${kind}:lockout:${lockoutKey}`, config.lockout)]]);
  const names = { ip: `${kind}-ip`, client: `${kind}-client`, subject: `${kind}-subject` };
  return { requests: counters('requests', config.limits[kind].requests), failures: counters('failures', config.limits[kind].failures), lockouts, id: counterKeys(), names };
}

const DIGESTS = 10_000;

/**
 * Counter keys for values: addresses as they are, ids and usernames hashed (no clear
 * usernames in Redis). Recent digests are remembered: the same client asks again and
 * again, and one check needs the digest for up to three tables.
 */
function counterKeys(): CounterKeys {
  const digests = new Map<string, string>();
  return (key, value) => {
    if (key === 'ip') return value;
    let digest = digests.get(value);
    if (digest === undefined) {
      digest = hash('sha256', value, 'base64url').slice(0, 32);
      if (digests.size >= DIGESTS) digests.clear();
      digests.set(value, digest);
    }
    return digest;
  };
}

type CounterKeys = (key: RateKey, value: string) => string;

function present<T>(t: Table, map: Map<RateKey, T>, keys: ThrottleKeys): Present<T> {
  const found: Present<T> = [];
  for (const [key, v] of map) {
    const value = keys[key];
    if (value !== undefined) found.push([key, v, t.id(key, value)]);
  }
  return found;
}

type Present<T> = [RateKey, T, string][];
interface Hit { key: RateKey; rate: Rate; count: Count }

// per lockout key, the check reads: the lock, then its record (consecutive, level)
const LOCK_PROBES = 3;

// The limits, for both paths (check on Redis, checkLocal): a request budget refuses once
// exceeded, a failure budget once spent; a key is locked while its lock counts above 1
// (Lockout.lock); failures are on record while a record counter is non-zero.
const overBudget = (consumed: number, rate: Rate): boolean => consumed > rate.points;
const spent = (consumed: number, rate: Rate): boolean => consumed >= rate.points;
const locked = (lockCount: number): boolean => lockCount > 1;
const onRecord = (recordCount: number): boolean => recordCount > 0;

/**
 * Counts the request under each key and reads every failure budget and lockout in one
 * Redis command (countAndPeek: one script, one round trip); only a key found over its
 * limit costs one more read, for its reset time. Without Redis the memory windows are
 * read directly (checkLocal).
 */
async function check(ctx: Ctx, kind: ThrottleKind, t: Table, keys: ThrottleKeys): Promise<Verdict> {
  if (!ctx.store.redis) return checkLocal(ctx, kind, t, keys);
  const { failing, lockouts, probes, counted } = probe(t, keys);
  const { hits, values } = await countAndPeek(ctx.store, ctx.script, counted.map(([, counter, key]) => ({ counter, key })), probes);
  return decide(ctx, kind, { failing, lockouts, counted }, hits, values);
}

/** The failure budgets, lockouts and request budgets a request is under, and the counters to read. */
function probe(t: Table, keys: ThrottleKeys): Probed & { probes: { counter: Counter; key: string }[] } {
  const failing = present(t, t.failures, keys);
  const lockouts = present(t, t.lockouts, keys);
  const probes: { counter: Counter; key: string }[] = [];
  for (const [, counter, key] of failing) probes.push({ counter, key });
  for (const [, l, key] of lockouts) for (const counter of [l.lock, ...l.record]) probes.push({ counter, key });
  return { failing, lockouts, probes, counted: present(t, t.requests, keys) };
}

/**
 * check() on the memory windows, for the request every client sends all the time:
 * nothing over any limit. It reads and counts without building the probe lists; a
 * request found over a limit is decided by the general path (decide) with the counts
 * already taken, so nothing is counted twice.
 */
async function checkLocal(ctx: Ctx, kind: ThrottleKind, t: Table, keys: ThrottleKeys): Promise<Verdict> {
  let over = false;
  let recorded = false;
  for (const [key, counter] of t.failures) {
    const value = keys[key];
    if (value !== undefined && spent(counter.local.consumed(t.id(key, value)), counter.rate)) over = true;
  }
  for (const [key, l] of t.lockouts) {
    const value = keys[key];
    if (value === undefined) continue;
    const id = t.id(key, value);
    if (locked(l.lock.local.consumed(id))) over = true;
    for (const counter of l.record) if (onRecord(counter.local.consumed(id))) recorded = true;
  }
  const hitCounts: Count[] = [];
  const states: PolicyState[] = [];
  for (const [key, counter] of t.requests) {
    const value = keys[key];
    if (value === undefined) continue;
    const count = counter.local.hit(t.id(key, value));
    if (overBudget(count.consumed, counter.rate)) over = true;
    hitCounts.push(count);
    states.push(policyState(t.names[key], counter.rate, count));
  }
  if (!over) return { allowed: true, retryAfter: 0, recorded, headers: rateLimitHeaders(states) };
  const { failing, lockouts, probes, counted } = probe(t, keys);
  return decide(ctx, kind, { failing, lockouts, counted }, hitCounts, peekLocalCounts(probes));
}

interface Probed { failing: Present<Counter>; lockouts: Present<Lockout>; counted: Present<Counter> }

/** The verdict from the request counts and the failure and lockout counts read. */
async function decide(ctx: Ctx, kind: ThrottleKind, { failing, lockouts, counted }: Probed, hitCounts: Count[], counts: number[]): Promise<Verdict> {
  const hits: Hit[] = counted.map(([key, c], i) => ({ key, rate: c.rate, count: hitCounts[i] }));
  const lockCounts = counts.slice(failing.length);
  const states = hits.map((h) => policyState(`${kind}-${h.key}`, h.rate, h.count));
  const over = [...overRequests(hits, states), ...overFailures(kind, failing, counts), ...overLocks(ctx, kind, lockouts, lockCounts)];
  const recorded = lockCounts.some((count, i) => i % LOCK_PROBES !== 0 && onRecord(count));
  if (over.length === 0) return { allowed: true, retryAfter: 0, recorded, headers: rateLimitHeaders(states) };
  const refused = (await Promise.all(over)).filter((r) => r.ms > 0 || r.reason === 'requests'); // a key that expired meanwhile no longer refuses
  if (refused.length === 0) return { allowed: true, retryAfter: 0, recorded, headers: rateLimitHeaders(states) };
  return { ...refuse(ctx.opts, kind, states, refused), recorded };
}

function overRequests(hits: Hit[], states: PolicyState[]): Promise<Refusal>[] {
  return hits.flatMap((h, i) => (overBudget(h.count.consumed, h.rate) ? [Promise.resolve({ reason: 'requests' as const, key: h.key, ms: h.count.resetMs, state: states[i] })] : []));
}

function overFailures(kind: ThrottleKind, failing: Present<Counter>, counts: number[]): Promise<Refusal>[] {
  return failing.flatMap(([key, c, k], i) => {
    if (!spent(counts[i], c.rate)) return [];
    return [c.peek(k).then((count) => ({ reason: 'failures' as const, key, ms: count.resetMs, state: policyState(`${kind}-${key}-failures`, c.rate, count) }))];
  });
}

function overLocks(ctx: Ctx, kind: ThrottleKind, lockouts: Present<Lockout>, lockCounts: number[]): Promise<Refusal>[] {
  return lockouts.flatMap(([key, l, k], i) => {
    if (!locked(lockCounts[i * LOCK_PROBES])) return [];
    return [l.lockedFor(k).then((ms) => ({ reason: 'lockout' as const, key, ms, state: lockState(kind, key, ctx.opts.config, ms) }))];
  });
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
  const lockouts = failOpts.lockout === false ? [] : present(t, t.lockouts, keys);
  await Promise.all([
    ...present(t, t.failures, keys).map(([, c, k]) => c.hit(k)),
    ...lockouts.map(async ([key, l, k]) => {
      const started = await l.failed(k);
      if (!started) return;
      // no raw address in logs: its network (as the risk event log keeps it); `subject` is already a pseudonymous key
      opts.log.warn({ event: 'throttle.lockout', kind, key, net: keys.ip === undefined ? undefined : coarseIp(keys.ip), client: keys.client, subject: keys.subject, seconds: started.seconds, level: started.level }, 'throttle.lockout');
      opts.events.lockout(kind, key);
    }),
  ]);
}

async function succeed(t: Table, keys: ThrottleKeys): Promise<void> {
  await Promise.all(present(t, t.lockouts, keys).map(([, l, k]) => l.succeeded(k)));
}

/** Throttle.lift: every place's lockout and failure counters of the keys, forgotten. */
async function lift(tables: Table[], keys: Pick<ThrottleKeys, 'client' | 'subject'>): Promise<number> {
  const only = { ...(keys.client ? { client: keys.client } : {}), ...(keys.subject ? { subject: keys.subject } : {}) };
  let lifted = 0;
  for (const t of tables) {
    for (const [, l, id] of present(t, t.lockouts, only)) {
      if (locked((await l.lock.peek(id)).consumed)) lifted++;
      await Promise.all([l.lock.reset(id), ...l.record.map((c) => c.reset(id))]);
    }
    for (const [, c, id] of present(t, t.failures, only)) {
      if (spent((await c.peek(id)).consumed, c.rate)) lifted++;
      await c.reset(id);
    }
  }
  return lifted;
}

function passThrough(): Throttle {
  return {
    enabled: false,
    check: async () => ({ allowed: true, retryAfter: 0, headers: {} }),
    fail: async () => undefined,
    succeed: async () => undefined,
    lift: async () => 0,
    degraded: () => false,
    close: async () => undefined,
  };
}
