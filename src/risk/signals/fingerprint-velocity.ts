/**
 * Rapid fingerprint changes: more than RISK_FINGERPRINT_CHANGES profile changes (a
 * `drift` or `mismatch` comparison reported by fingerprinting) for one subject or one
 * session within RISK_FINGERPRINT_WINDOW. A `mismatch` is also a `new_device` signal.
 */
import type { FingerprintObservation, Signal } from '../types.js';
import { createWindows } from '../window.js';
import type { Observation } from '../bus.js';

export interface FingerprintVelocityOptions { changes: number; windowSec: number; share?: (o: Observation) => void }

/** Creates the signal; `observe` returns what one comparison signals. */
export function createFingerprintVelocity(opts: FingerprintVelocityOptions) {
  const windows = createWindows();
  const windowMs = opts.windowSec * 1000;
  return {
    /** Another process's change (cluster mode). */
    record(o: Extract<Observation, { kind: 'fingerprint' }>): void {
      windows.add(o.key, o.outcome, o.at, windowMs);
    },
    observe(o: FingerprintObservation): Signal[] {
      if (o.outcome === 'match') return [];
      const signals: Signal[] = o.outcome === 'mismatch' ? [{ name: 'new_device', details: { score: o.score } }] : [];
      const keys = [`s:${o.subject}`, ...(o.session ? [`p:${o.session}`] : [])];
      const counts = keys.map((k) => windows.add(k, o.outcome, o.at, windowMs).length);
      for (const key of keys) opts.share?.({ kind: 'fingerprint', key, outcome: o.outcome, at: o.at });
      const changes = Math.max(...counts);
      if (changes > opts.changes) signals.push({ name: 'fingerprint_velocity', details: { changes, windowSec: opts.windowSec } });
      return signals;
    },
  };
}
