/**
 * Risk signals and responses: the RISK_* settings grouped for src/risk.
 * docs/risk.md explains signals, scores and the policy.
 */

/** Signals the risk engine scores (docs/risk.md "Signals"). */
export const RISK_SIGNALS = [
  'login_failure', 'fingerprint_velocity', 'new_device', 'impossible_travel', 'flagged_ip', 'recent_failures',
  'token_replay', 'refresh_reuse', 'dpop_replay', 'invalid_token_burst',
] as const;
export type RiskSignalName = (typeof RISK_SIGNALS)[number];

export const DEFAULT_RISK_SCORES = 'login_failure=20,fingerprint_velocity=50,new_device=10,impossible_travel=60,flagged_ip=30,recent_failures=10,token_replay=60,refresh_reuse=60,dpop_replay=50,invalid_token_burst=100';
export const DEFAULT_RISK_THRESHOLDS = 'record=1,step_up=50,lockout=100,revoke_session=150';

export interface RiskThresholds { record: number; step_up: number; lockout: number; revoke_session: number }

export interface RiskConfig {
  enabled: boolean;
  scores: Record<RiskSignalName, number>;
  thresholds: RiskThresholds;
  /** seconds over which a subject's signal scores add up */
  scoreWindow: number;
  fingerprintChanges: number;
  fingerprintWindow: number;
  maxSpeedKmh: number;
  travelMinKm: number;
  /** a MaxMind DB file (GeoIP2/GeoLite2 City) used instead of geoip-lite's data */
  geoipDb?: string;
  denyIps: string[];
  watchIps: string[];
  denyIpsFile?: string;
  watchIpsFile?: string;
  ipListMax: number;
  listReload: number;
  recentFailures: number;
  failureWindow: number;
  replayIps: number;
  replayWindow: number;
  invalidTokenBurst: number;
  burstWindow: number;
  lockoutFirst: number;
  lockoutMax: number;
  webhookUrl?: string;
  alertUrl?: string;
  smtpUrl?: string;
  emailFrom: string;
  eventRetention: number;
}

/** Parses `name=score,...` (every name a signal, scores 0-1000); undefined when malformed. */
export function parseScores(text: string): Record<RiskSignalName, number> | undefined {
  const base = parsePairs(DEFAULT_RISK_SCORES) as Record<RiskSignalName, number>;
  const given = parsePairs(text);
  if (!given || Object.keys(given).some((k) => !(RISK_SIGNALS as readonly string[]).includes(k))) return undefined;
  return { ...base, ...given };
}

/** Parses `record=1,step_up=50,lockout=100,revoke_session=150` (all four, ascending). */
export function parseThresholds(text: string): RiskThresholds | undefined {
  const t = parsePairs(text);
  const names = ['record', 'step_up', 'lockout', 'revoke_session'];
  if (!t || Object.keys(t).length !== 4 || !names.every((n) => n in t)) return undefined;
  const ordered = names.every((n, i) => i === 0 || t[n] >= t[names[i - 1]]);
  return ordered && t.record > 0 ? t as unknown as RiskThresholds : undefined;
}

function parsePairs(text: string): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z_]{1,32})=(\d{1,4})$/.exec(item);
    if (!m || m[1] in out || Number(m[2]) > 1000) return undefined;
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Groups the parsed RISK_* values (see settings.ts). */
export function riskConfig(v: Record<string, unknown>): RiskConfig {
  const n = (name: string) => v[name] as number;
  const s = (name: string) => v[name] as string | undefined;
  return Object.freeze({
    enabled: v.RISK_ENABLED as boolean,
    scores: Object.freeze(v.RISK_SCORES as Record<RiskSignalName, number>),
    thresholds: Object.freeze(v.RISK_THRESHOLDS as RiskThresholds),
    scoreWindow: n('RISK_SCORE_WINDOW'),
    fingerprintChanges: n('RISK_FINGERPRINT_CHANGES'),
    fingerprintWindow: n('RISK_FINGERPRINT_WINDOW'),
    maxSpeedKmh: n('RISK_MAX_SPEED_KMH'),
    travelMinKm: n('RISK_TRAVEL_MIN_KM'),
    geoipDb: s('RISK_GEOIP_DB'),
    denyIps: (v.RISK_DENY_IPS as string[] | undefined) ?? [],
    watchIps: (v.RISK_WATCH_IPS as string[] | undefined) ?? [],
    denyIpsFile: s('RISK_DENY_IPS_FILE'),
    watchIpsFile: s('RISK_WATCH_IPS_FILE'),
    ipListMax: n('RISK_IP_LIST_MAX'),
    listReload: n('RISK_LIST_RELOAD'),
    recentFailures: n('RISK_RECENT_FAILURES'),
    failureWindow: n('RISK_FAILURE_WINDOW'),
    replayIps: n('RISK_REPLAY_IPS'),
    replayWindow: n('RISK_REPLAY_WINDOW'),
    invalidTokenBurst: n('RISK_INVALID_TOKEN_BURST'),
    burstWindow: n('RISK_BURST_WINDOW'),
    lockoutFirst: n('RISK_LOCKOUT_FIRST'),
    lockoutMax: n('RISK_LOCKOUT_MAX'),
    webhookUrl: s('RISK_WEBHOOK_URL'),
    alertUrl: s('RISK_ALERT_URL'),
    smtpUrl: s('RISK_SMTP_URL'),
    emailFrom: v.RISK_EMAIL_FROM as string,
    eventRetention: n('RISK_EVENT_RETENTION'),
  });
}
