/**
 * Cluster mode: the risk engine's short-term memory (the last known place of each
 * subject, who presented a token, inactive-token bursts, recent failures per address,
 * fingerprint changes) is shared by the issuer processes over Redis pub/sub. Each
 * process publishes what it observed; the others record it without signalling, so the
 * next use on any process is compared with the uses every process saw. Nothing is stored
 * in Redis (messages are transient); a lost message costs at most a signal that the
 * process alone would have missed, and a Redis outage leaves each process on its own.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisOptions, type RedisTimeouts } from '../redis/index.js';

/** One observation, as the signal modules record it. */
export type Observation =
  | { kind: 'place'; subject: string; country: string; lat: number; lon: number; at: number }
  | { kind: 'presented'; jti: string; value: string; at: number }
  | { kind: 'invalid'; key: string; at: number }
  | { kind: 'failure'; ip: string; at: number }
  | { kind: 'fingerprint'; key: string; outcome: string; at: number };

export interface ObservationBus {
  publish(o: Observation): void;
  close(): Promise<void>;
}

interface Log { warn(obj: object, msg: string): void }

/** Subscribes (not awaited: Redis being down must not stop the issuer) and returns the publisher. */
export function createObservationBus(opts: { redisUrl: string; redisTimeouts: RedisTimeouts; channel: string; apply(o: Observation): void; log: Log }): ObservationBus {
  const origin = randomUUID();
  const pub = new Redis(opts.redisUrl, redisOptions(opts.redisTimeouts, 'command'));
  const sub = new Redis(opts.redisUrl, redisOptions(opts.redisTimeouts, 'subscriber'));
  let warned = false;
  const warn = (err: unknown, msg: string) => {
    if (warned) return;
    warned = true; // once per outage: a flood of introspections must not flood the log
    opts.log.warn({ err: String(err) }, msg);
  };
  pub.on('error', (err) => warn(err, 'risk bus: redis error'));
  pub.on('ready', () => { warned = false; });
  sub.on('error', (err) => warn(err, 'risk bus: redis subscription error'));
  sub.subscribe(opts.channel).catch((err: unknown) => warn(err, 'risk bus: subscribe failed'));
  sub.on('message', (_channel: string, message: string) => {
    const o = parse(message, origin);
    try {
      if (o) opts.apply(o);
    } catch (err) {
      warn(err, 'risk bus: observation not recorded'); // never an uncaught error from the subscriber
    }
  });
  return {
    publish(o) {
      if (pub.status !== 'ready') return;
      pub.publish(opts.channel, JSON.stringify({ origin, o })).catch((err: unknown) => warn(err, 'risk bus: publish failed'));
    },
    async close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}

/** Another process's observation, or undefined for our own or anything malformed. */
function parse(message: string, origin: string): Observation | undefined {
  let m: unknown;
  try { m = JSON.parse(message); } catch { return undefined; }
  const { origin: from, o } = (m ?? {}) as { origin?: unknown; o?: Record<string, unknown> };
  if (from === origin || typeof o !== 'object' || o === null || !Number.isFinite(o.at)) return undefined;
  const str = (...names: string[]) => names.every((n) => typeof o[n] === 'string' && (o[n] as string).length <= 512);
  switch (o.kind) {
    case 'place': return str('subject', 'country') && Number.isFinite(o.lat) && Number.isFinite(o.lon) ? o as Observation : undefined;
    case 'presented': return str('jti', 'value') ? o as Observation : undefined;
    case 'invalid': return str('key') ? o as Observation : undefined;
    case 'failure': return str('ip') ? o as Observation : undefined;
    case 'fingerprint': return str('key', 'outcome') ? o as Observation : undefined;
    default: return undefined;
  }
}
