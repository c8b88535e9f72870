/**
 * Rapid fingerprint changes: more than RISK_FINGERPRINT_CHANGES profile changes (a
 * `drift` or `mismatch` comparison reported by fingerprinting) for one subject or one
 * session within RISK_FINGERPRINT_WINDOW, counted in the risk memory (every process's
 * changes add up in cluster mode). A `mismatch` is also a `new_device` signal.
 */
import { createLocalMemory, type RiskMemory } from '../memory/index.js';
import type { FingerprintObservation, Signal } from '../types.js';

export interface FingerprintVelocityOptions { changes: number; windowSec: number; memory?: RiskMemory }

/** Creates the signal; `observe` returns what one comparison signals. */
export function createFingerprintVelocity(opts: FingerprintVelocityOptions) {
  const memory = opts.memory ?? createLocalMemory();
  const windowMs = opts.windowSec * 1000;
  return {
    async observe(o: FingerprintObservation): Promise<Signal[]> {
      if (o.outcome === 'match') return [];
      const signals: Signal[] = o.outcome === 'mismatch' ? [{ name: 'new_device', details: { score: o.score } }] : [];
      const keys = [`s:${o.subject}`, ...(o.session ? [`p:${o.session}`] : [])];
      const changes = Math.max(...await Promise.all(keys.map((k) => memory.count('fingerprint', k, o.at, windowMs))));
      if (changes > opts.changes) signals.push({ name: 'fingerprint_velocity', details: { changes, windowSec: opts.windowSec } });
      return signals;
    },
  };
}
