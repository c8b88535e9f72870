import type { RateKey, ThrottleKind } from '../config/index.js';

export type { RateKey, ThrottleKind };

/** The values a request is counted under; absent keys are not counted. */
export type ThrottleKeys = Partial<Record<RateKey, string>>;

/** Why a request was refused. */
export type LimitReason = 'requests' | 'failures' | 'lockout';

/**
 * The answer to `check`: whether the request may proceed, and the rate limit header
 * fields to send either way (draft-ietf-httpapi-ratelimit-headers-10).
 */
export interface Verdict {
  allowed: boolean;
  /** whole seconds until a retry can succeed (0 when allowed) */
  retryAfter: number;
  reason?: LimitReason;
  /** the key type that refused the request */
  key?: RateKey;
  /**
   * True when the lockout key has failures or lockouts on record, so a success must
   * call `succeed` to clear them; false lets the caller skip that store write.
   */
  recorded?: boolean;
  headers: Record<string, string>;
}

/** What the throttle reports to metrics. */
export interface ThrottleEvents {
  limited(kind: ThrottleKind, key: RateKey, reason: LimitReason): void;
  lockout(kind: ThrottleKind, key: RateKey): void;
  /** true when decisions fall back to the local in-memory limiter, false when Redis serves again */
  degraded(on: boolean): void;
  /** one decision made by the local limiter because Redis failed */
  fallback(): void;
}

export interface FailOptions {
  /**
   * Whether the failure is a guessed secret (client authentication, password, code)
   * that counts towards a lockout. An inactive token presented at /introspect is a
   * failure for the budget but not a guessed secret. Default true.
   */
  lockout?: boolean;
}

/** The throttling service the HTTP gate and the login/TOTP forms call. */
export interface Throttle {
  readonly enabled: boolean;
  /** Counts one request under every key and says whether it may proceed. */
  check(kind: ThrottleKind, keys: ThrottleKeys): Promise<Verdict>;
  /** Records a failed attempt; may start a lockout (logged as `throttle.lockout`). */
  fail(kind: ThrottleKind, keys: ThrottleKeys, opts?: FailOptions): Promise<void>;
  /** Records a successful authentication: consecutive failure and lockout counts restart. */
  succeed(kind: ThrottleKind, keys: ThrottleKeys): Promise<void>;
  /**
   * An operator lifts what refuses a client or a username: its lockouts and spent failure
   * budgets at every place, forgotten with their consecutive counts. Request budgets
   * stay (they are not about guessing). Returns how many lockouts or spent budgets were lifted.
   */
  lift(keys: Pick<ThrottleKeys, 'client' | 'subject'>): Promise<number>;
  /** True while Redis is unreachable and the local limiter decides. */
  degraded(): boolean;
  close(): Promise<void>;
}
