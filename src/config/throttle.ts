import type { Rates } from './rates.js';

/**
 * The places Portcullis throttles: three token endpoints, two forms, the event endpoints
 * (/events/poll, /ssf/stream: client authentication like the token endpoints), the
 * account endpoint /me/data (bearer tokens) and the account pages, sign-out (/session/end, which verifies
 * the signature of any id_token_hint it is sent), password reset requests, and the admin API
 * (/admin/v1, bearer tokens).
 */
export type ThrottleKind = 'token' | 'introspect' | 'revoke' | 'login' | 'totp' | 'events' | 'account' | 'logout' | 'gateway' | 'reset' | 'admin';

export interface ThrottleLimits { requests: Rates; failures: Rates }

export interface LockoutPolicy {
  /** consecutive failures before a lockout; 0 = never */
  after: number;
  /** seconds of the first lockout (doubling afterwards) */
  first: number;
  /** longest lockout in seconds */
  max: number;
  /** seconds without a failure after which counts are forgotten */
  reset: number;
}

export interface ThrottleConfig {
  enabled: boolean;
  limits: Record<ThrottleKind, ThrottleLimits>;
  lockout: LockoutPolicy;
}

const ENV: Record<ThrottleKind, string> = { token: 'TOKEN', introspect: 'INTROSPECT', revoke: 'REVOKE', login: 'LOGIN', totp: 'TOTP', events: 'EVENTS', account: 'ACCOUNT', logout: 'LOGOUT', gateway: 'GATEWAY', reset: 'RESET', admin: 'ADMIN' };

/** Groups the parsed THROTTLE_* values (see settings.ts). */
export function throttleConfig(v: Record<string, unknown>): ThrottleConfig {
  const limits = {} as Record<ThrottleKind, ThrottleLimits>;
  for (const [kind, name] of Object.entries(ENV) as [ThrottleKind, string][]) {
    // a place where nothing counts as a failure (sign-out) has no THROTTLE_*_FAILURES setting
    limits[kind] = Object.freeze({ requests: v[`THROTTLE_${name}`] as Rates, failures: (v[`THROTTLE_${name}_FAILURES`] as Rates | undefined) ?? {} });
  }
  const lockout = { after: v.THROTTLE_LOCKOUT_AFTER as number, first: v.THROTTLE_LOCKOUT_FIRST as number, max: v.THROTTLE_LOCKOUT_MAX as number, reset: v.THROTTLE_LOCKOUT_RESET as number };
  return Object.freeze({ enabled: v.THROTTLE_ENABLED as boolean, limits: Object.freeze(limits), lockout: Object.freeze(lockout) });
}
