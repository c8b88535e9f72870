/**
 * Known malicious patterns seen at introspection: one token (jti) presented from
 * RISK_REPLAY_IPS or more addresses or fingerprints within RISK_REPLAY_WINDOW (a
 * stolen bearer token used elsewhere), and bursts of inactive tokens from one caller
 * (RISK_INVALID_TOKEN_BURST within RISK_BURST_WINDOW: token fishing). Refresh-token
 * reuse and DPoP proof replay are reported directly by their detectors.
 */
import type { Signal } from '../types.js';
import { createWindows, distinct } from '../window.js';
import type { Observation } from '../bus.js';

export interface PatternOptions { replayIps: number; replayWindowSec: number; burst: number; burstWindowSec: number; share?: (o: Observation) => void }

/** Creates the signal. */
export function createPatterns(opts: PatternOptions) {
  const presenters = createWindows();
  const invalid = createWindows();
  return {
    /** Another process's observation (cluster mode), recorded without signalling. */
    record(o: Extract<Observation, { kind: 'presented' | 'invalid' }>): void {
      if (o.kind === 'presented') presenters.add(o.jti, o.value, o.at, opts.replayWindowSec * 1000);
      else invalid.add(o.key, '', o.at, opts.burstWindowSec * 1000);
    },
    /** A token presented from `ip` (and optionally a fingerprint). */
    presented(jti: string, ip: string | undefined, fingerprint: string | undefined, at: number): Signal[] {
      if (!ip && !fingerprint) return [];
      const value = `${ip ?? ''}|${fingerprint ?? ''}`;
      const before = distinct(presenters.peek(jti, at, opts.replayWindowSec * 1000));
      const entries = presenters.add(jti, value, at, opts.replayWindowSec * 1000);
      opts.share?.({ kind: 'presented', jti, value, at });
      const now = distinct(entries);
      return now >= opts.replayIps && now > before ? [{ name: 'token_replay', details: { presenters: now, windowSec: opts.replayWindowSec } }] : [];
    },
    /** An inactive token presented by `caller`; signals once per burst. */
    invalidToken(caller: string, at: number): Signal[] {
      const count = invalid.add(caller, '', at, opts.burstWindowSec * 1000).length;
      opts.share?.({ kind: 'invalid', key: caller, at });
      return count === opts.burst ? [{ name: 'invalid_token_burst', details: { tokens: count, windowSec: opts.burstWindowSec } }] : [];
    },
  };
}
