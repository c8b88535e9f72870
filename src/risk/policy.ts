/**
 * The policy: a combined score (the sum of a subject's or client's signal scores
 * within RISK_SCORE_WINDOW) maps to the strongest response whose threshold it reaches
 * among those possible where it was observed (no step-up at the login form, no session
 * revocation without a session). docs/risk.md lists the defaults.
 */
import type { RiskThresholds } from '../config/index.js';
import type { Decision } from './types.js';

const ORDER: [Decision, keyof RiskThresholds | undefined][] = [
  ['revoke_session', 'revoke_session'], ['lockout', 'lockout'], ['step_up', 'step_up'], ['allow_and_record', 'record'],
];

/** The decision for `score`, given the responses `possible` here. */
export function decide(score: number, thresholds: RiskThresholds, possible: ReadonlySet<Decision>): Decision {
  for (const [decision, key] of ORDER) {
    if (key && score >= thresholds[key] && (possible.has(decision) || decision === 'allow_and_record')) return decision;
  }
  return 'allow';
}

/** Lockout duration in seconds for the n-th lockout (1-based): doubling, capped. */
export function lockoutSeconds(level: number, first: number, max: number): number {
  return Math.min(max, first * 2 ** Math.min(Math.max(level - 1, 0), 30));
}
