/**
 * Weighted similarity between a stored profile and a presented fingerprint, both as
 * keyed hashes. Score = weight of the components that agree / weight of the
 * components either side has (a component only one side has counts half against).
 * Thresholds turn the score into an outcome: match, drift (accepted, learned) or
 * mismatch.
 */
import type { ComponentSpec } from '@portcullis/sdk/fingerprint';
import type { Hashes } from '@portcullis/sdk/fingerprint';

export type Outcome = 'match' | 'drift' | 'mismatch';
export interface Thresholds { match: number; drift: number }
export interface Comparison { score: number; outcome: Outcome; changed: string[] }

/** Similarity in [0, 1] and the names of the components that differ. */
export function similarity(stored: Hashes, presented: Hashes, active: readonly ComponentSpec[]): { score: number; changed: string[] } {
  let total = 0;
  let agree = 0;
  const changed: string[] = [];
  for (const { name, weight } of active) {
    const [a, b] = [stored[name], presented[name]];
    if (a === undefined && b === undefined) continue;
    if (a === undefined || b === undefined) {
      total += weight / 2;
      changed.push(name);
      continue;
    }
    total += weight;
    if (a === b) agree += weight;
    else changed.push(name);
  }
  return { score: total === 0 ? 0 : agree / total, changed };
}

/** The outcome of a score under the configured thresholds. */
export function classify(score: number, t: Thresholds): Outcome {
  if (score >= t.match) return 'match';
  return score >= t.drift ? 'drift' : 'mismatch';
}

/** similarity + classify. */
export function compareFingerprints(stored: Hashes, presented: Hashes, active: readonly ComponentSpec[], t: Thresholds): Comparison {
  const { score, changed } = similarity(stored, presented, active);
  return { score: Math.round(score * 10_000) / 10_000, outcome: classify(score, t), changed };
}
