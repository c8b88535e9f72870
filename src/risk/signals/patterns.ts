/**
 * Known malicious patterns seen at introspection: one token (jti) presented from
 * RISK_REPLAY_IPS or more addresses or fingerprints within RISK_REPLAY_WINDOW (a
 * stolen bearer token used elsewhere), and bursts of inactive tokens from one caller
 * (RISK_INVALID_TOKEN_BURST within RISK_BURST_WINDOW: token fishing). Refresh-token
 * reuse and DPoP proof replay are reported directly by their detectors. Both are
 * counted in the risk memory, so uses through different processes add up.
 */
import { createLocalMemory, type RiskMemory } from '../memory/index.js';
import type { Signal } from '../types.js';

export interface PatternOptions { replayIps: number; replayWindowSec: number; burst: number; burstWindowSec: number; memory?: RiskMemory }

/** Creates the signal. */
export function createPatterns(opts: PatternOptions) {
  const memory = opts.memory ?? createLocalMemory();
  return {
    /** A token presented from `ip` (and optionally a fingerprint). */
    async presented(jti: string, ip: string | undefined, fingerprint: string | undefined, at: number): Promise<Signal[]> {
      if (!ip && !fingerprint) return [];
      const { before, after } = await memory.distinct('presented', jti, `${ip ?? ''}|${fingerprint ?? ''}`, at, opts.replayWindowSec * 1000);
      return after >= opts.replayIps && after > before ? [{ name: 'token_replay', details: { presenters: after, windowSec: opts.replayWindowSec } }] : [];
    },
    /** An inactive token presented by `caller`; signals once per burst. */
    async invalidToken(caller: string, at: number): Promise<Signal[]> {
      const count = await memory.count('invalid', caller, at, opts.burstWindowSec * 1000);
      return count === opts.burst ? [{ name: 'invalid_token_burst', details: { tokens: count, windowSec: opts.burstWindowSec } }] : [];
    },
  };
}
