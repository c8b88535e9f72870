/**
 * Cluster-mode change notices over Redis pub/sub: after a rotation the rotating
 * process publishes on CHANNEL and every issuer reloads its key state at once instead
 * of at its next KEY_RELOAD_INTERVAL. Without Redis, the interval alone applies.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redisOptions, type RedisTimeouts } from '../redis/index.js';

export const KEYS_CHANNEL = 'portcullis:keys-changed';

/** Subscribes to key change notices; returns an unsubscribe function. */
export async function subscribeKeyChanges(redisUrl: string | undefined, timeouts: RedisTimeouts, onChange: () => Promise<void>, log: Logger): Promise<() => Promise<void>> {
  if (!redisUrl) return async () => undefined;
  // Not awaited: an unreachable Redis must not stop the issuer; ioredis reconnects and
  // resubscribes, and the reload interval covers the gap.
  const sub = new Redis(redisUrl, redisOptions(timeouts, 'subscriber'));
  sub.on('error', (err) => log.warn({ err: err.message }, 'redis subscription error'));
  sub.subscribe(KEYS_CHANNEL).catch((err) => log.warn({ err: String(err) }, 'redis subscribe failed'));
  sub.on('message', () => { onChange().catch((err) => log.warn({ err: String(err) }, 'key reload failed')); });
  return async () => { sub.disconnect(); };
}

/** Tells every issuer that key state changed (no-op without Redis). */
export async function publishKeyChange(redisUrl: string | undefined, timeouts: RedisTimeouts): Promise<void> {
  if (!redisUrl) return;
  const pub = new Redis(redisUrl, { ...redisOptions(timeouts, 'command'), lazyConnect: true });
  try {
    await pub.connect();
    await pub.publish(KEYS_CHANNEL, String(Date.now()));
  } finally {
    pub.disconnect();
  }
}
